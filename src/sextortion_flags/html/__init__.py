"""The self-contained HTML report (no JavaScript, no external resources): `render_html`, `HtmlReportWriter`."""

from sextortion_flags.html.render import HtmlReportWriter, render_html

__all__ = ["HtmlReportWriter", "render_html"]
