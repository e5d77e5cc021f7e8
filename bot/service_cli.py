"""`caitien demo|run|serve|webhook`: the commands that start the bots or set how a channel
delivers updates. demo, run and serve import their module when they run: the server and
the polling loop bring in much that the one-shot commands never use, and `caitien --help`
should not wait for them."""

from __future__ import annotations

from bot.command_line import Context
from bot.telegram import webhook_cli as telegram_webhook
from bot.zalo import webhook_cli as zalo_webhook


def demo(ctx: Context) -> int:
    from bot.demo.run import run_demo, run_web_demo

    return run_web_demo(ctx.args.port) if ctx.args.web else run_demo(ctx.args.channel)


def run(ctx: Context) -> int:
    from bot.run import run

    return run(ctx.settings)


def serve(ctx: Context) -> int:
    from bot.server import serve

    return serve(ctx.settings, ctx.args.host, ctx.args.port)


def webhook(ctx: Context) -> int:
    """The same two commands for either channel, each done by the channel's own module."""
    channel = zalo_webhook if ctx.args.channel == "zalo" else telegram_webhook
    return channel.webhook_command(ctx)
