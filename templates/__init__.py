"""Every word users read: Jinja2 templates, Vietnamese, overridable per deployment."""
