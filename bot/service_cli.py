"""`caitien demo|run|serve|webhook`: the commands that start the bots or set how a channel
delivers updates. Each imports its module when it runs: the server, the polling loop and
the channels' clients bring in much that the other commands never use (a third of a
second of `caitien --help`)."""

from __future__ import annotations

from bot.command_line import Context


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
    if ctx.args.channel == "zalo":
        from bot.zalo.webhook_cli import webhook_command
    else:
        from bot.telegram.webhook_cli import webhook_command
    return webhook_command(ctx)
