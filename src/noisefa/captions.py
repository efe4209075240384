"""Figure captions (`workflow/report/figures/<id>.rst`) are Jinja templates over the
config, so the report states the settings that ran (`config`, and `s` = its studies)."""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined

_ENV = Environment(undefined=StrictUndefined, keep_trailing_newline=True)


def render_caption(text: str, config: dict) -> str:
    return _ENV.from_string(text).render(config=config, s=config["studies"])
