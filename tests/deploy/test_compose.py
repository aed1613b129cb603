"""docker-compose.yml, checked without a Docker engine: interpolated the way ``docker compose``
does with a filled-in ``.env``, then validated against the Compose specification
(``compose-spec``, the Rust ``compose_spec`` parser), then checked for what this stack needs:
its services, images pinned to exact versions or the project's Dockerfile, healthchecks and
startup order, every variable documented in ``.env.example``, no secret in the file, the
Prefect API behind its auth string, one database role per service, published ports on
127.0.0.1, files it mounts present, and a runner command ``ytw`` accepts. The roles
themselves are created on a real PostgreSQL in test_postgres_roles.py, the nginx headers
checked in a browser in test_nginx.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from compose_spec import PyCompose

from extract.settings import project_root
from ytw.cli import build_parser

ROOT = project_root()
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
SECRETS = (
    "POSTGRES_PASSWORD",
    "RUNNER_DB_PASSWORD",
    "PREFECT_DB_PASSWORD",
    "REPORTS_DB_PASSWORD",
    "PREFECT_AUTH_STRING",
    "YOUTUBE_API_KEY",
)
# What a user fills in for the required variables the example leaves empty.
FILLED = {
    "POSTGRES_PASSWORD": "s3cretpassword",
    "RUNNER_DB_PASSWORD": "runnerpassword",
    "PREFECT_DB_PASSWORD": "prefectpassword",
    "REPORTS_DB_PASSWORD": "reportspassword",
    "PREFECT_AUTH_STRING": "admin:uipassword",
    "YOUTUBE_API_KEY": "AIzaSyEXAMPLE",
}
# An exact version per image (Postgres numbers its releases major.minor), then an optional
# variant (-alpine, -slim-bookworm, -python3.11) and an optional digest.
EXACT_VERSION = {"postgres": r"\d+\.\d+"}
IMAGE = r"(?P<name>[a-z0-9./_-]+):(?P<tag>[A-Za-z0-9._-]+?)(?:@sha256:[0-9a-f]{64})?"


def documented_variables() -> dict[str, str]:
    """``NAME=value`` lines of .env.example that have a comment above them."""
    found: dict[str, str] = {}
    comment = False
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.startswith("#"):
            comment = comment or len(line.strip("#- ")) > 0
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            assert comment, f".env.example: {name} has no comment saying what it is"
            found[name.strip()] = value
        comment = False if not line.strip() else comment
    return found


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation: ${X}, ${X:-default}, ${X-default}, ${X:?error}, $$."""

    def value(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        current = env.get(name)
        if op in (":-", ":?") and not current or op in ("-", "?") and current is None:
            if op.endswith("?"):
                raise AssertionError(f"compose would stop: {name} unset ({arg})")
            return arg or ""
        return current or ""

    return VARIABLE.sub(value, text.replace("$$", "\0")).replace("\0", "$")


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    return {**documented_variables(), **FILLED}


@pytest.fixture(scope="module")
def compose(env: dict[str, str]) -> dict[str, Any]:
    text = interpolate(COMPOSE.read_text(), env)
    PyCompose.from_yaml(text)  # raises ValueError on anything the Compose spec rejects
    return yaml.safe_load(text)


def test_every_variable_is_documented_and_required_secrets_stop_compose() -> None:
    raw = COMPOSE.read_text()
    referenced = {m["name"] for m in VARIABLE.finditer(raw)}
    documented = documented_variables()
    assert referenced <= set(documented), referenced - set(documented)
    for secret in SECRETS:
        assert documented[secret] == "", f".env.example must not hold a value for {secret}"
        uses = [m for m in VARIABLE.finditer(raw) if m["name"] == secret]
        assert uses and any(m["op"] == ":?" for m in uses), f"{secret} must be required (:?)"
    with pytest.raises(AssertionError, match="POSTGRES_PASSWORD unset"):
        interpolate(raw, {k: v for k, v in documented.items() if k != "POSTGRES_PASSWORD"})


def test_no_secret_lives_in_the_file(compose: dict[str, Any]) -> None:
    raw = yaml.safe_load(COMPOSE.read_text())
    for name, service in raw["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "KEY", "SECRET", "TOKEN", "AUTH")):
                assert "${" in str(value), f"{name}.{key} is a literal"
            if key.endswith("_URL") and "@" in str(value):
                assert re.search(r":\$\{[A-Z_]*PASSWORD:\?[^}]*\}@", str(value)), (
                    f"{name}.{key} embeds a password"
                )
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def exact(image: str) -> bool:
    """Whether ``image`` names one release (tag with its full version, optional digest)."""
    match = re.fullmatch(IMAGE, image)
    if match is None:
        return False
    version = EXACT_VERSION.get(match["name"].rsplit("/", 1)[-1], r"\d+\.\d+\.\d+")
    return re.fullmatch(rf"{version}(-[a-z][a-z0-9.]*)*", match["tag"]) is not None


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("postgres:15.10-bookworm", True),
        ("postgres:15.10-bookworm@sha256:" + "0123456789abcdef" * 4, True),
        ("nginx:1.27.5-alpine", True),
        ("prefecthq/prefect:3.8.8-python3.11", True),
        ("python:3.11.11-slim-bookworm", True),
        ("postgres:15", False),
        ("nginx:1.27-alpine", False),
        ("nginx:alpine", False),
        ("nginx:latest", False),
        ("nginx", False),
        ("python:3.11-slim", False),
        ("nginx:1.27.5-alpine@sha256:abc", False),
    ],
)
def test_what_counts_as_a_pinned_image(image: str, pinned: bool) -> None:
    assert exact(image) is pinned


def test_the_stack_has_its_services_with_pinned_images_or_the_dockerfile(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "prefect-server", "runner", "site"}
    for name, service in services.items():
        if "build" in service:
            context = ROOT / (service["build"] if isinstance(service["build"], str) else ".")
            assert (context / "Dockerfile").is_file(), name
        else:
            assert exact(service["image"]), f"{name}: {service['image']} is no exact version"
    # the runner's base image too
    bases = re.findall(r"^FROM\s+(\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert bases and all(exact(base) for base in bases), bases
    # and the way to pin digests as well is written down
    readme = (ROOT / "README.md").read_text()
    assert "docker compose pull" in readme and "RepoDigests" in readme
    prefect_image = services["prefect-server"]["image"]
    from importlib.metadata import version

    assert prefect_image.startswith(f"prefecthq/prefect:{version('prefect')}-"), (
        "the Prefect server image must match the Prefect version the runner installs"
    )


def test_healthchecks_and_startup_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        check = service.get("healthcheck")
        assert check and check["test"][0] in ("CMD", "CMD-SHELL"), f"{name}: no healthcheck"
        assert service.get("restart") == "unless-stopped", name
        for dependency, spec in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if dependency != "runner":  # the runner is healthy only once serving
                assert spec["condition"] == "service_healthy", (name, dependency)
    assert set(services["runner"]["depends_on"]) == {"postgres", "prefect-server"}
    assert set(services["prefect-server"]["depends_on"]) == {"postgres"}
    # the runner's healthcheck calls the runner webserver it enables
    runner_env = services["runner"]["environment"]
    assert runner_env["PREFECT_RUNNER_SERVER_ENABLE"] == "true"
    assert f":{runner_env['PREFECT_RUNNER_SERVER_PORT']}/health" in str(
        services["runner"]["healthcheck"]["test"]
    )


def test_wiring_between_services(compose: dict[str, Any], env: dict[str, str]) -> None:
    services = compose["services"]
    runner = services["runner"]["environment"]
    assert runner["PREFECT_API_URL"] == "http://prefect-server:4200/api"
    password = env["RUNNER_DB_PASSWORD"]
    assert runner["DATABASE_URL"] == f"postgresql://runner:{password}@postgres:5432/tubewarehouse"
    prefect = services["prefect-server"]["environment"]
    assert prefect["PREFECT_SERVER_DATABASE_HOST"] == "postgres"
    assert (
        prefect["PREFECT_SERVER_DATABASE_NAME"] == services["postgres"]["environment"]["PREFECT_DB"]
    )
    # telemetry off in everything the stack launches
    for name in ("prefect-server", "runner"):
        assert services[name]["environment"]["DO_NOT_TRACK"] == "1", name
    assert services["prefect-server"]["environment"]["PREFECT_SERVER_ANALYTICS_ENABLED"] == (
        "false"
    )
    dockerfile = (ROOT / "Dockerfile").read_text()
    for setting in (
        "DO_NOT_TRACK=1",
        "PREFECT_SERVER_ANALYTICS_ENABLED=false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS=false",
    ):
        assert setting in dockerfile
    # the runner publishes the sites into the volume nginx serves, at the roots it serves
    publish = runner["TUBEWAREHOUSE_PUBLISH_DIR"]
    assert f"site:{publish}" in services["runner"]["volumes"]
    assert f"site:{publish}:ro" in services["site"]["volumes"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert f"root {publish}/reports;" in nginx and f"root {publish}/docs;" in nginx
    # every YouTube setting the runner passes is one the extractor reads
    settings_source = (ROOT / "extract" / "settings.py").read_text()
    for key in runner:
        if key.startswith(("YOUTUBE_", "TW_")):
            assert f'"{key}"' in settings_source + (ROOT / "ytw" / "cli.py").read_text(), key


def test_ports_are_local_and_mounted_files_exist(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} to the world"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in declared, f"{name} uses undeclared volume {source}"
    for init in (ROOT / "deploy" / "postgres").iterdir():
        assert init.stat().st_mode & 0o111, f"{init.name}: init scripts must be executable"


def test_runner_command_is_one_ytw_accepts(compose: dict[str, Any]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["ytw"]' in dockerfile
    args = build_parser().parse_args(compose["services"]["runner"]["command"])
    assert args.command == "serve"
    # the schedules come from the environment the compose file sets
    assert {"TW_HOURLY_CRON", "TW_DAILY_CRON", "TW_SCHEDULE_TIMEZONE"} <= set(
        compose["services"]["runner"]["environment"]
    )


def test_the_prefect_api_asks_every_client_for_the_auth_string(
    compose: dict[str, Any], env: dict[str, str]
) -> None:
    """Prefect's own basic auth: the server refuses API calls without the string (the UI asks
    for it at sign-in; tests/flows/test_ui.py shows both), and the runner sends it."""
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_SERVER_API_AUTH_STRING

    services = compose["services"]
    server, runner = services["prefect-server"]["environment"], services["runner"]["environment"]
    assert server[PREFECT_SERVER_API_AUTH_STRING.name] == env["PREFECT_AUTH_STRING"]
    assert runner[PREFECT_API_AUTH_STRING.name] == env["PREFECT_AUTH_STRING"]
    # the healthcheck uses the one path Prefect leaves open
    assert "/api/health" in str(services["prefect-server"]["healthcheck"]["test"])
    raw = COMPOSE.read_text()
    assert "PREFECT_SERVER_API_AUTH_STRING: ${PREFECT_AUTH_STRING:?" in raw
    assert "PREFECT_API_AUTH_STRING: ${PREFECT_AUTH_STRING:?" in raw


def test_each_service_logs_into_postgres_with_its_own_role(
    compose: dict[str, Any], env: dict[str, str]
) -> None:
    services = compose["services"]
    postgres = services["postgres"]["environment"]
    prefect = services["prefect-server"]["environment"]
    runner_url = services["runner"]["environment"]["DATABASE_URL"]
    runner_user, runner_password = re.match(r"postgresql://([^:]+):([^@]+)@", runner_url).groups()
    reports_url = services["runner"]["environment"]["REPORTS_DATABASE_URL"]
    reports_login = re.match(r"postgresql://([^:]+):([^@]+)@", reports_url).groups()
    logins = {
        "runner": (runner_user, runner_password),
        "prefect": (
            prefect["PREFECT_SERVER_DATABASE_USER"],
            prefect["PREFECT_SERVER_DATABASE_PASSWORD"],
        ),
        "reports": reports_login,  # what the runner builds the reports with
    }
    assert logins == {
        "runner": (postgres["RUNNER_DB_USER"], env["RUNNER_DB_PASSWORD"]),
        "prefect": (postgres["PREFECT_DB_USER"], env["PREFECT_DB_PASSWORD"]),
        "reports": (postgres["REPORTS_DB_USER"], env["REPORTS_DB_PASSWORD"]),
    }
    users = [user for user, _ in logins.values()]
    assert len(set(users)) == 3 and postgres["POSTGRES_USER"] not in users
    assert len({password for _, password in logins.values()} | {env["POSTGRES_PASSWORD"]}) == 4
    # no service but postgres knows the superuser's password
    for name, service in services.items():
        if name != "postgres":
            assert env["POSTGRES_PASSWORD"] not in str(service.get("environment")), name
    # the init script reads only what the postgres service is given
    script = (ROOT / "deploy" / "postgres" / "10-roles.sh").read_text()
    read = set(re.findall(r"\$\{([A-Z_]+)", script)) | set(
        re.findall(r"\\getenv \w+ ([A-Z_]+)", script)
    )
    assert read and read <= set(postgres), read - set(postgres)
    # healthy only once the init scripts ran: they run on a server without TCP
    assert "-h 127.0.0.1" in services["postgres"]["healthcheck"]["test"][1]
