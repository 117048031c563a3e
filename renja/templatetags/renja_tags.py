"""Display filters: {{ value|rupiah }} and {{ value|angka }}."""
from django import template

from renja import formatting

register = template.Library()
register.filter("rupiah", formatting.rupiah)
register.filter("angka", formatting.angka)
