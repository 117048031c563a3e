"""Drawing <select> lists in Python, and keeping the option lists of reference data drawn once per process.

Django renders every <option> through a template; a page with a few hundred options (agencies, programs,
kecamatan) spent a third of its time there. Everything else renders through the normal templates.

Filter forms show the same reference lists (OPD, programs, kecamatan, years) on every page view, and building
them made a few hundred model instances per request. `ReferenceSelect` draws such a list once per process and
reuses it for as long as the reference data is the same: the list is kept under the token of the reference data
(core.reference, one short cache read per request, a new token with every change of that data) and the SQL of
the field's queryset (a list narrowed to one agency is another list), so an agency renamed in the admin shows at
once in every process, and a page reads no option list from the database.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import EmptyResultSet
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .memo import Memo
from .reference import token

SELECT_TEMPLATE = "django/forms/widgets/select.html"


# Django's widget templates that are just input.html, and those drawn from multiple_input.html; drawn in Python here
# as those templates draw them (tests/test_request_overhead.py compares): a template-rendered <input> cost about
# 0.3 ms, and a row form has thirty of them and a hundred checkboxes.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search", "tel",
        "text", "time", "url",
    )
)  # fmt: skip
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
MULTIPLE_INPUT_TEMPLATES = frozenset(("django/forms/widgets/checkbox_select.html", "django/forms/widgets/radio.html"))


def _attrs_html(attrs: dict) -> str:
    """attrs.html: ` name="value"` (value as str), a bare ` name` for True, nothing for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


def _input_html(widget: dict) -> str:
    """input.html, with its line end."""
    value = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>\n',
        widget["type"],
        widget["name"],
        value,
        mark_safe(_attrs_html(widget["attrs"])),
    )


def _option_html(option: dict) -> str:
    """checkbox_option.html or radio_option.html (input_option.html around input.html), with their line ends."""
    if not option.get("wrap_label"):
        return _input_html(option) + "\n\n"
    label_for = format_html(' for="{}"', option["attrs"]["id"]) if option["attrs"].get("id") else ""
    return format_html("<label{}>{} {}</label>\n\n", label_for, mark_safe(_input_html(option)), option["label"])


def _multiple_input_html(widget: dict) -> str:
    """multiple_input.html."""
    widget_id, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = [
        format_html(
            "<div{}{}>",
            format_html(' id="{}"', widget_id) if widget_id else "",
            format_html(' class="{}"', css) if css else "",
        )
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(format_html("\n  <div><label>{}</label>", group))
        parts.extend(format_html("<div>\n    {}</div>", mark_safe(_option_html(option))) for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _textarea_html(widget: dict) -> str:
    """textarea.html."""
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        mark_safe(_attrs_html(widget["attrs"])),
        widget["value"] or "",
    )


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        # The template renderer strips what a template draws: so do these.
        if template_name in INPUT_TEMPLATES:
            return mark_safe(_input_html(context["widget"]).strip())
        if template_name in MULTIPLE_INPUT_TEMPLATES:
            return mark_safe(_multiple_input_html(context["widget"]).strip())
        if template_name == TEXTAREA_TEMPLATE:
            return mark_safe(_textarea_html(context["widget"]).strip())
        if template_name != SELECT_TEMPLATE:
            return super().render(template_name, context, request=request)
        widget = context["widget"]
        attrs = {k: v for k, v in widget["attrs"].items() if v is not False}
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(attrs))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}{}>{}</option>',
                        option["value"],
                        flatatt(option["attrs"]),
                        "",
                        option["label"],
                    )
                )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


# (form.field, label columns, empty label, language, the queryset's SQL, reference token) -> [(value, "<option…>")].
# A changed token is a new key; lists kept for older tokens age out.
_DRAWN_OPTIONS: Memo[list[tuple[str, str]]] = Memo("core.reference_options", size=512)


class ReferenceSelect(forms.Select):
    """The <select> of a ModelChoiceField over reference data, drawn from a per-process cache.

    `key_fields` are the model's columns its labels (`__str__`) are made of. The list is drawn through the field
    itself, so labels, order and the empty choice are exactly those of a plain Select, and kept per process for the
    reference token (core.reference) and the queryset's SQL: the querysets drawn this way read only reference data
    (Opd, Wilayah, Nomenklatur, FiscalYear, KelompokSasaran), whose every change makes a new token.
    """

    def __init__(self, key_fields: Iterable[str], *, cache_key: str, attrs=None):
        super().__init__(attrs)
        self.key_fields = tuple(key_fields)
        self.cache_key = cache_key  # the form and field it draws: tells the cached lists apart
        self._options: list[tuple[str, str]] | None = None

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj._options = None  # each form instance reads the data once
        return obj

    def options(self) -> list[tuple[str, str]]:
        """(value, rendered <option>) for every choice, in order, the empty choice first when the field has one."""
        if self._options is None:
            self._options = self._load()
        return self._options

    def _load(self) -> list[tuple[str, str]]:
        field = self.choices.field
        try:
            sql = field.queryset.prefetch_related(None).query.sql_with_params()
        except EmptyResultSet:  # .none(): no rows to read
            sql = None
        # The token first, then the data (core.reference): a list is never kept under a token newer than its rows.
        key = (self.cache_key, self.key_fields, str(field.empty_label), translation.get_language(), sql, token())
        return _DRAWN_OPTIONS.get_or_set(key, self._draw)

    def _draw(self) -> list[tuple[str, str]]:
        return [(str(v), format_html('<option value="{}">{}</option>', v, label)) for v, label in self.choices]

    def use_required_attribute(self, initial) -> bool:
        if self.allow_multiple_selected:  # as Django's Select: always fine for <select multiple>
            return not self.is_hidden
        options = self.options()
        return not self.is_hidden and bool(options) and options[0][0] == ""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        attrs = {k: v for k, v in self.build_attrs(self.attrs, attrs).items() if v is not False}
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        for option_value, html in self.options():
            if selected and option_value in selected:
                html = html.replace(">", " selected>", 1)  # values are escaped, so the first ">" ends the tag
                if not self.allow_multiple_selected:
                    selected = set()  # a single select marks only its first match, as Django does
            parts.append(html)
        parts.append("</select>")
        return mark_safe("".join(parts))


class ReferenceSelectMultiple(ReferenceSelect):
    """ReferenceSelect for a ModelMultipleChoiceField drawn as <select multiple> (every chosen option marked)."""

    allow_multiple_selected = True
    value_from_datadict = forms.SelectMultiple.value_from_datadict
    value_omitted_from_data = forms.SelectMultiple.value_omitted_from_data


def use_reference_selects(form: forms.BaseForm, **key_fields: Iterable[str]) -> None:
    """Draw these ModelChoiceFields of `form` with `ReferenceSelect` (field name=the columns its labels use), and
    those drawn as <select multiple> with `ReferenceSelectMultiple`."""
    for name, columns in key_fields.items():
        field = form.fields.get(name)
        if field is None:
            continue
        kind = ReferenceSelectMultiple if isinstance(field.widget, forms.SelectMultiple) else ReferenceSelect
        widget = kind(
            columns, cache_key=f"{type(form).__module__}.{type(form).__qualname__}.{name}", attrs=field.widget.attrs
        )
        widget.choices = field.choices
        field.widget = widget
