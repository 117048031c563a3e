"""A form renderer that draws <select> lists in Python.

Django renders every <option> through a template; a page with a few hundred options (agencies, programs,
kecamatan) spent a third of its time there. Everything else renders through the normal templates.
"""
from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name != SELECT_TEMPLATE:
            return super().render(template_name, context, request=request)
        widget = context["widget"]
        attrs = {k: v for k, v in widget["attrs"].items() if v is not False}
        parts = [format_html("<select name=\"{}\"{}>", widget["name"], flatatt(attrs))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html("<optgroup label=\"{}\">", group))
            for option in options:
                parts.append(format_html(
                    "<option value=\"{}\"{}{}>{}</option>",
                    option["value"], flatatt(option["attrs"]), "", option["label"],
                ))
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))
