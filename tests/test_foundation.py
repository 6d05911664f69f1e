import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command, get_commands
from django.test import override_settings

from factcheck.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SECURE_SSL"}
    }
    base.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        **env,
    )


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-like-secret-key-for-the-check-0123456789",
    "ALLOWED_HOSTS": "factcheck.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://factcheck.example.org",
    "SECURE_HSTS_PRELOAD": "true",
}


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    expected_broker = "ok" if os.environ.get("REDIS_URL") else "eager"
    assert response.json() == {"database": "ok", "broker": expected_broker}


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broker_when_redis_is_down(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def test_healthz_answers_503_naming_the_database_when_it_is_unreachable(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode())",
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"database": "down", "broker": "eager"}


def test_missing_secret_key_with_debug_off_stops_start_up_with_a_clear_message():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be a boolean"),
        ("FETCH_TIMEOUT", "ten", "FETCH_TIMEOUT must be a number"),
        ("CELERY_VISIBILITY_TIMEOUT", "10", "CELERY_VISIBILITY_TIMEOUT must be at least 60"),
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL must start with one of"),
        ("REDIS_URL", "127.0.0.1:6379", "REDIS_URL must start with one of"),
    ],
)
def test_malformed_setting_stops_start_up_naming_the_variable(name, value, message):
    result = run_manage("check", **{**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_secret_can_be_read_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-docker-secret-" + "y" * 40 + "\n")
    env = {**PRODUCTION_ENV, "SECRET_KEY": "", "SECRET_KEY_FILE": str(secret_file)}
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-a-docker-secret-" + "y" * 40


def test_check_deploy_is_clean_with_production_like_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_demo_setup_prints_passwords_once_and_keeps_them_on_rerun(capsys):
    from django.contrib.auth import get_user_model

    call_command("demo_setup")
    first = capsys.readouterr().out
    assert "Created editor 'editor' with password:" in first
    assert "Created reviewer 'reviewer' with password:" in first
    editor_password = first.split("Created editor 'editor' with password: ")[1].split()[0]

    call_command("demo_setup")
    second = capsys.readouterr().out
    assert "password:" not in second
    assert get_user_model().objects.get(username="editor").check_password(editor_password)


def test_every_docker_compose_service_runs_a_command_that_exists_in_the_project():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], f"{name} has no health check"
    commands = get_commands()
    for name in ("migrate", "web", "worker", "beat"):
        words = services[name]["command"]
        if words[0] == "gunicorn":
            module, attr = next(w for w in words if ":" in w and not w.startswith("-")).split(":")
            assert hasattr(__import__(module, fromlist=[attr]), attr)
        elif words[0] == "celery":
            assert words[1:3] == ["-A", "factcheck"]
            assert words[3] in {"worker", "beat"}
        elif words[:2] == ["python", "manage.py"]:
            assert words[2] in commands, f"{name}: no management command {words[2]!r}"
        else:
            pytest.fail(f"unexpected command for {name}: {words}")


@pytest.mark.services
def test_task_enqueued_through_redis_is_executed_by_a_real_worker(celery_worker):
    result = celery_app.send_task("factcheck.ping", args=["through-redis"])
    assert result.get(timeout=20) == "through-redis"


def test_celery_is_configured_to_survive_worker_loss():
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert {q.name for q in conf.task_queues} == {"default", "io"}


@pytest.mark.django_db
def test_demo_setup_leaves_the_cited_links_due_instead_of_pulling_them_in_the_foreground(capsys):
    from django.utils import timezone

    from sources.models import Source

    call_command("demo_setup")

    sources = list(Source.objects.all())
    assert sources, "the demo article cites links"
    assert all(s.last_checked_at is None and s.last_error == "" for s in sources)
    assert all(s.next_pull_at <= timezone.now() for s in sources)


def test_make_run_keeps_public_links_on_the_port_it_serves():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8765", "HOST=127.0.0.1"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "FACTCHECK_ORG_URL=http://127.0.0.1:8765/" in result.stdout


@pytest.mark.django_db
def test_the_demo_editor_sees_the_editorial_admin_but_not_users_groups_tokens_or_axes(client, capsys):
    from django.contrib.auth import get_user_model

    call_command("demo_setup")
    client.force_login(get_user_model().objects.get(username="editor"))

    index = client.get("/admin/").content.decode()

    assert "/admin/claims/claim/" in index
    for hidden in ("/admin/auth/user/", "/admin/auth/group/", "/admin/axes/", "/admin/authtoken/"):
        assert hidden not in index
    assert get_user_model().objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_demo_setup_publishes_one_demonstration_check_that_the_public_list_shows(client, capsys):
    from claims.models import Claim, Verdict

    call_command("demo_setup")
    published = Claim.objects.get(status=Claim.Status.PUBLISHED)
    assert published.text.startswith("The Kremlin said") and published.claimant.name == "Kremlin"
    verdict = published.verdicts.get(state=Verdict.State.PUBLISHED)
    # Two people, as the workflow asks: the reviewer proposed, the editor approved.
    assert (verdict.author.username, verdict.approver.username) == ("reviewer", "editor")
    assert Claim.objects.filter(status=Claim.Status.CANDIDATE).count() >= 10  # the rest are left to triage

    home = client.get("/").content.decode()
    assert f"/checks/{verdict.pk}/" in home
    page = client.get(f"/checks/{verdict.pk}/").content.decode()
    assert "Demonstration verdict: this claim was not checked." in page

    call_command("demo_setup")  # a re-run publishes nothing more
    assert Claim.objects.filter(status=Claim.Status.PUBLISHED).count() == 1
