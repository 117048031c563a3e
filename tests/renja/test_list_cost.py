"""The Renja list's cost (issue 18): fragments drawn in Python draw what the templates drew."""

from django.template import Context, Template

from renja import selectors
from renja.models import RenjaRow
from renja.tables import per_program_body_html

from ..factories import make_nomenklatur, make_row

PER_PROGRAM_LOOP = Template(
    '{% for p in per_program %}<tr><td class="code">{{ p.kode }}</td><td>{{ p.nama }}</td><td class="num">{{ p.n }}'
    '</td><td class="num">{{ p.pagu_text }}</td><td class="num">{{ p.pagu_n1_text }}</td></tr>{% endfor %}'
)


def test_per_program_rows_drawn_in_python_equal_the_template_loop(year, opd_a):
    from core.formatting import rupiah

    make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=make_nomenklatur("1.06.04.2.01.0001"), pagu=1_000_000)
    make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=make_nomenklatur("2.09.02.2.01.0002", "A & <B>"), pagu_n1=5)
    per_program = selectors.pagu_per_program(RenjaRow.objects.all())
    texts = [{**p, "pagu_text": rupiah(p["pagu"]), "pagu_n1_text": rupiah(p["pagu_n1"])} for p in per_program]
    assert str(per_program_body_html(per_program)) == PER_PROGRAM_LOOP.render(Context({"per_program": texts}))
    assert len(per_program) == 2
