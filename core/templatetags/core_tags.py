"""Display filters: {{ value|rupiah }} and {{ value|angka }}."""

from django import template

from core import formatting

register = template.Library()
register.filter("rupiah", formatting.rupiah)
register.filter("angka", formatting.angka)
register.filter("nip", formatting.nip)
