"""docker-compose.yml, checked without a Docker engine: interpolated the way ``docker compose``
does with a filled-in ``.env``, then validated against the Compose specification
(``compose-spec``, the Rust ``compose_spec`` parser), then checked for what this stack needs:
its services, pinned images or the project's Dockerfile, healthchecks and startup order, every
variable documented in ``.env.example``, no secret in the file, published ports on 127.0.0.1,
files it mounts present, and a runner command ``ytw`` accepts."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from compose_spec import PyCompose

from extract.settings import project_root
from flows.cli import build_parser

ROOT = project_root()
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
SECRETS = ("POSTGRES_PASSWORD", "YOUTUBE_API_KEY")
# What a user fills in for the required variables the example leaves empty.
FILLED = {"POSTGRES_PASSWORD": "s3cretpassword", "YOUTUBE_API_KEY": "AIzaSyEXAMPLE"}


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
            if any(word in key for word in ("PASSWORD", "KEY", "SECRET", "TOKEN")):
                assert "${" in str(value), f"{name}.{key} is a literal"
            if key.endswith("_URL") and "@" in str(value):
                assert "${POSTGRES_PASSWORD" in str(value), f"{name}.{key} embeds a password"
    assert ".env" in (ROOT / ".gitignore").read_text().split()


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
            image = service["image"]
            assert ":" in image and not image.endswith(":latest"), f"{name}: unpinned {image}"
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
    password = env["POSTGRES_PASSWORD"]
    assert runner["DATABASE_URL"] == (
        f"postgresql://tubewarehouse:{password}@postgres:5432/tubewarehouse"
    )
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
            assert f'"{key}"' in settings_source + (ROOT / "flows" / "cli.py").read_text(), key


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
    init = ROOT / "deploy" / "postgres" / "10-prefect-database.sh"
    assert init.stat().st_mode & 0o111, "the postgres init script must be executable"


def test_runner_command_is_one_ytw_accepts(compose: dict[str, Any]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["ytw"]' in dockerfile
    args = build_parser().parse_args(compose["services"]["runner"]["command"])
    assert args.command == "serve"
    # the schedules come from the environment the compose file sets
    assert {"TW_HOURLY_CRON", "TW_DAILY_CRON", "TW_SCHEDULE_TIMEZONE"} <= set(
        compose["services"]["runner"]["environment"]
    )
