from django.core.management.base import BaseCommand

from core.system_actor import acting_as_system
from forum.demo import seed_demo_forum, seed_demo_forum_overlaps
from musrenbang.demo import seed_demo_usulan
from renja.models import FiscalYear, User
from renja.services.demo import seed_demo
from sinkronisasi.services import sync_refresh


class Command(BaseCommand):
    help = (
        "Muat data demo: Renja 2026 beberapa OPD Kukar, usulan, satu forum, dan satu pengguna per peran. Aman diulang."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Kata sandi semua pengguna demo (tanpa ini: dibuat acak untuk pengguna baru)."
        )

    def handle(self, *args, **options):
        with acting_as_system("manage.py seed_demo"):
            self._seed(options)

    def _seed(self, options):
        # The command loads every app's demo data; renja's own models and services never import the other apps.
        result = seed_demo(password=options.get("password"))
        year = FiscalYear.objects.get(year=result["year"])
        usulan = seed_demo_usulan(fiscal_year=year, by=User.objects.get(username="perencana"))
        forum = seed_demo_forum(fiscal_year=year, facilitator=User.objects.get(username="fasilitator"))
        sync = sync_refresh(fiscal_year=year, full=True)
        on_agenda = seed_demo_forum_overlaps(forum=forum, facilitator=User.objects.get(username="fasilitator"))
        rows = result["rows"]
        self.stdout.write(
            f"Demo Renja {year.year}: {rows['baru']} baris baru, {rows['berubah']} diperbarui, {rows['sama']} tetap."
        )
        self.stdout.write(
            f"Demo {year.year}: N+1 diisi pada {result['n1']} baris, "
            f"target resmi pada {result['targets']} baris, kepala {result['heads']} OPD, "
            f"pagu indikatif {result['ceilings']} OPD, {result['indicators']} indikator program/kegiatan baru."
        )
        self.stdout.write(
            f"Demo usulan {year.year}: {usulan['baru']} baru, {usulan['berubah']} diperbarui, {usulan['sama']} tetap."
        )
        self.stdout.write(f"Demo forum: {forum.judul} ({forum.tanggal:%d-%m-%Y}), {forum.attendance.count()} peserta.")
        self.stdout.write(
            f"Sinkronisasi {year.year}: {sync.pairs} pasangan program beririsan ({sync.duration_ms} ms); "
            f"{on_agenda} di agenda forum demo, disepakati."
        )
        self.stdout.write("Pengguna demo (nama pengguna · peran · OPD):")
        for username, role, opd in result["users"]:
            self.stdout.write(f"  {username:<16} {role:<28} {opd}")
        if result["password"]:
            self.stdout.write(f"Kata sandi semua pengguna demo: {result['password']}")
        else:
            self.stdout.write("Kata sandi pengguna demo tidak diubah (pakai --password P untuk menggantinya).")
