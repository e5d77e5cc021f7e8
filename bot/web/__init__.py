"""The web console served by `caitien serve` under /web: sign-in by one-time link, the
school's pages (dashboard, plan, staff, reports, calendar, audit trail), the district's
overview, and the training sandbox. Pages are Jinja2 templates under templates/web/; every
rule about who sees what is storage/access.py's, the chat's own."""
