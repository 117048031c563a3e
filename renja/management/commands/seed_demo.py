from django.core.management.base import BaseCommand

from renja.services.demo import seed_demo


class Command(BaseCommand):
    help = "Muat data demo: Renja 2026 beberapa OPD Kukar dan satu pengguna per peran. Aman diulang."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Kata sandi semua pengguna demo (tanpa ini: dibuat acak untuk pengguna baru).")

    def handle(self, *args, **options):
        result = seed_demo(password=options.get("password"))
        rows = result["rows"]
        self.stdout.write(
            f"Demo Renja {result['year']}: {rows['baru']} baris baru, {rows['berubah']} diperbarui, {rows['sama']} tetap."
        )
        self.stdout.write("Pengguna demo (nama pengguna · peran · OPD):")
        for username, role, opd in result["users"]:
            self.stdout.write(f"  {username:<16} {role:<28} {opd}")
        if result["password"]:
            self.stdout.write(f"Kata sandi semua pengguna demo: {result['password']}")
        else:
            self.stdout.write("Kata sandi pengguna demo tidak diubah (pakai --password P untuk menggantinya).")
