from django.core.management import call_command

from renja.models import AuditLog, RenjaRow, User


def test_seed_demo_is_idempotent_and_prints_logins(db, capsys):
    call_command("seed_demo", "--password", "demo-sandi-2026")
    out = capsys.readouterr().out
    assert "Kata sandi semua pengguna demo: demo-sandi-2026" in out and "perencana" in out
    rows = RenjaRow.objects.count()
    assert rows >= 90
    assert set(RenjaRow.objects.values_list("opd__singkatan", flat=True)) >= {"Dinsos", "DP2KB", "DP3A", "Dinkes"}
    assert RenjaRow.objects.filter(status="diajukan", opd__singkatan="Dinsos").exists()
    assert User.objects.get(username="dinsos").check_password("demo-sandi-2026")
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(User.Role.values)
    audits = AuditLog.objects.exclude(action__endswith=".imported").count()

    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "0 baris baru, 0 diperbarui" in out and "tidak diubah" in out
    assert RenjaRow.objects.count() == rows and User.objects.count() == len(roles) + 3
    assert AuditLog.objects.exclude(action__endswith=".imported").count() == audits  # nothing changed, nothing audited
    assert User.objects.get(username="dinsos").check_password("demo-sandi-2026")


def test_seed_demo_generates_password_when_none_given(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    password = out.split("Kata sandi semua pengguna demo: ")[1].split()[0]
    assert len(password) >= 10 and User.objects.get(username="perencana").check_password(password)
