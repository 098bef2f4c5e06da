"""The production stack in docker/: compose file, image, scripts and .env.example agree.

No Docker engine runs here, so the files are read as `docker compose` reads them: the compose
file is interpolated with the values of .env.example (placeholders stand in for the required
secrets it leaves blank). Each check is a function of the loaded stack that returns the
problems it finds; the tests assert that the real stack has none, and that a deliberately
broken copy of it is reported.
"""
from __future__ import annotations

import copy
import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DOCKER = REPO / "docker"

EXPECTED_SERVICES = (
    "db", "solr", "redis", "ckan", "worker", "harvest-gather", "harvest-fetch", "scheduler", "nginx",
)
CKAN_SERVICES = ("ckan", "worker", "harvest-gather", "harvest-fetch", "scheduler")
CKAN_COMMANDS = {
    "worker": ["ckan", "jobs", "worker"],
    "harvest-gather": ["ckan", "ogpcatalog", "harvest", "consumer", "gather"],
    "harvest-fetch": ["ckan", "ogpcatalog", "harvest", "consumer", "fetch"],
}
HARVEST_CONSUMERS = ("harvest-gather", "harvest-fetch")
SCALABLE_SERVICES = ("ckan", "worker", "harvest-gather", "harvest-fetch")
HEALTHCHECKED_SERVICES = ("db", "solr", "redis", "ckan")
# What each service needs healthy before it starts.
STARTUP_ORDER = {
    "ckan": ("db", "solr", "redis"),
    "worker": ("ckan",),
    "harvest-gather": ("ckan",),
    "harvest-fetch": ("ckan",),
    "scheduler": ("ckan",),
    "nginx": ("ckan",),
}
REQUIRED_SECRETS = (
    "CKAN_SITE_URL", "CKAN_SECRET_KEY", "CKAN_SYSADMIN_PASSWORD", "POSTGRES_PASSWORD", "CKAN_DB_PASSWORD",
)
REQUIRED_PLUGINS = ("ogpcatalog", "harvest", "dcat")
POSTGRES_SEARCH_PLUGIN = "ogpcatalog_search"
OFFICIAL_CKAN_BASE = re.compile(r"^ckan/ckan-base:(?P<version>2\.12(?:\.\d+)?)(?:-py3\.\d+)?$")
# Paths inside the image that the base image provides, and its ENV that our COPYs use.
BASE_IMAGE_PATHS = ("/srv/app/start_ckan.sh",)
BASE_IMAGE_ENV = {"APP_DIR": "/srv/app", "SRC_DIR": "/srv/app/src"}

COMPOSE_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:?[-?+])(?P<argument>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
ENV_LINE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")


# --- Loading the stack -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Stack:
    root: Path  # the docker/ directory; relative paths of the compose file start here
    compose: dict[str, Any]  # docker-compose.yml as written, variables not interpolated
    env_example: str
    dockerfile: str
    dockerignore: str
    setup_py: str


def load_stack(docker_dir: Path = DOCKER, setup_py: Path = REPO / "setup.py") -> Stack:
    return Stack(
        root=docker_dir,
        compose=yaml.safe_load((docker_dir / "docker-compose.yml").read_text(encoding="utf-8")),
        env_example=(docker_dir / ".env.example").read_text(encoding="utf-8"),
        dockerfile=(docker_dir / "Dockerfile").read_text(encoding="utf-8"),
        dockerignore=(docker_dir / "Dockerfile.dockerignore").read_text(encoding="utf-8"),
        setup_py=setup_py.read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="module")
def production_stack() -> Stack:
    return load_stack()


def env_example_values(stack: Stack) -> dict[str, str]:
    values = {}
    for line in stack.env_example.splitlines():
        match = ENV_LINE.match(line.strip())
        if match:
            values[match["name"]] = match["value"].strip().strip("'\"")
    return values


def strings_in(node: Any):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def variable_references(stack: Stack) -> list[tuple[str, str | None]]:
    """(name, operator) of every variable the compose file interpolates."""
    references = []
    for text in strings_in(stack.compose):
        for match in COMPOSE_VARIABLE.finditer(text):
            name = match["braced"] or match["named"]
            if name:
                references.append((name, match["operator"]))
    return references


def interpolate(text: str, env: dict[str, str]) -> str:
    def substitute(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        operator, argument = match["operator"], interpolate(match["argument"] or "", env)
        value = env.get(name)
        is_set = value is not None and (value != "" or not (operator or "").startswith(":"))
        if operator in (":-", "-"):
            return value if is_set else argument
        if operator in (":+", "+"):
            return argument if is_set else ""
        if operator in (":?", "?"):
            return value if is_set else f"<required {name}>"
        return value or ""

    return COMPOSE_VARIABLE.sub(substitute, text)


def resolved(node: Any, env: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {key: resolved(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [resolved(value, env) for value in node]
    return node


def services(stack: Stack) -> dict[str, dict[str, Any]]:
    """The services as `docker compose` would run them with .env.example as .env."""
    env = {name: value for name, value in env_example_values(stack).items() if value != ""}
    return resolved(stack.compose.get("services") or {}, env)


def environment(service: dict[str, Any]) -> dict[str, str]:
    variables = service.get("environment") or {}
    if isinstance(variables, list):
        return dict(entry.split("=", 1) if "=" in entry else (entry, "") for entry in variables)
    return {name: "" if value is None else str(value) for name, value in variables.items()}


def command_of(service: dict[str, Any], key: str = "command") -> list[str]:
    command = service.get(key) or []
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def dockerfile_instructions(dockerfile: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", dockerfile)
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def dockerfile_copies(stack: Stack) -> list[tuple[list[str], str]]:
    """(sources, destination) of each COPY, the base image's ENV expanded in the destination."""
    copies = []
    for keyword, rest in dockerfile_instructions(stack.dockerfile):
        if keyword == "COPY":
            parts = [part for part in rest.split() if not part.startswith("--")]
            destination = re.sub(
                r"\$\{?(\w+)\}?", lambda m: BASE_IMAGE_ENV.get(m[1], m[0]), parts[-1]
            )
            copies.append((parts[:-1], destination))
    return copies


def image_file(stack: Stack, container_path: str) -> Path | None:
    """The file of this repository that the Dockerfile copies to `container_path`."""
    for sources, destination in dockerfile_copies(stack):
        if len(sources) == 1 and destination.endswith("/") and container_path.startswith(destination):
            return repo_root(stack) / sources[0] / container_path[len(destination):]
    return None


def repo_root(stack: Stack) -> Path:
    return stack.root.parent


def ckan_plugins(service: dict[str, Any]) -> list[str]:
    return environment(service).get("CKAN__PLUGINS", "").split()


# --- The checks: each returns the problems it finds --------------------------------------------


def missing_services(stack: Stack) -> list[str]:
    found = services(stack)
    problems = []
    for name in EXPECTED_SERVICES:
        if name not in found:
            problems.append(f"service {name} is missing")
        elif not (found[name].get("image") or found[name].get("build")):
            problems.append(f"service {name} has neither image nor build")
    return problems


def unpinned_images(stack: Stack) -> list[str]:
    problems = []
    for name, service in services(stack).items():
        image = service.get("image")
        if not image:
            continue
        reference = image.split("@", 1)[0]
        last_part = reference.rsplit("/", 1)[-1]
        tag = last_part.partition(":")[2]
        if "@sha256:" in image:
            continue
        if not tag or tag == "latest":
            problems.append(f"service {name} uses image {image!r} without a pinned tag")
    return problems


def base_image_problems(stack: Stack) -> list[str]:
    bases = [rest.split()[0] for keyword, rest in dockerfile_instructions(stack.dockerfile) if keyword == "FROM"]
    if not bases:
        return ["the Dockerfile has no FROM"]
    match = OFFICIAL_CKAN_BASE.match(bases[-1])
    if not match:
        return [f"the image is built FROM {bases[-1]}, not the official ckan/ckan-base:2.12 image"]
    pin = re.search(r"[\"']ckan(?:\[[^\]]*\])?==([\w.]+)[\"']", stack.setup_py)
    if pin and match["version"].count(".") == 2 and match["version"] != pin[1]:
        return [f"the base image carries CKAN {match['version']} but setup.py pins ckan=={pin[1]}"]
    return []


def volume_problems(stack: Stack) -> list[str]:
    declared = set((stack.compose.get("volumes") or {}).keys())
    used: dict[str, str] = {}
    for name, service in services(stack).items():
        for volume in service.get("volumes") or []:
            if isinstance(volume, dict):
                source = volume.get("source") if volume.get("type", "volume") == "volume" else None
            else:
                source = volume.split(":", 1)[0] if ":" in volume else None
            if source and not source.startswith((".", "/", "~", "$")):
                used.setdefault(source, name)
    problems = [f"service {service} uses volume {volume}, not declared under volumes:"
                for volume, service in sorted(used.items()) if volume not in declared]
    problems += [f"volume {volume} is declared but no service uses it"
                 for volume in sorted(declared - set(used))]
    return problems


def undocumented_variables(stack: Stack) -> list[str]:
    documented = env_example_values(stack)
    problems = []
    for name, operator in sorted(set(variable_references(stack)), key=lambda ref: (ref[0], ref[1] or "")):
        if name not in documented:
            kind = "required variable" if operator in (":?", "?") else "variable"
            problems.append(f"{kind} {name} is read by docker-compose.yml but missing from .env.example")
    return problems


def unexplained_env_example_entries(stack: Stack) -> list[str]:
    referenced = {name for name, _ in variable_references(stack)}
    lines = [line.strip() for line in stack.env_example.splitlines()]
    problems = []
    for number, line in enumerate(lines):
        match = ENV_LINE.match(line)
        if not match:
            continue
        name = match["name"]
        if name not in referenced:
            problems.append(f".env.example sets {name}, which docker-compose.yml does not read")
        if number == 0 or not lines[number - 1].startswith("#"):
            problems.append(f".env.example has no comment line just above {name}")
    return problems


def unguarded_secrets(stack: Stack) -> list[str]:
    references = variable_references(stack)
    documented = env_example_values(stack)
    problems = []
    for secret in REQUIRED_SECRETS:
        operators = {operator for name, operator in references if name == secret}
        if not operators:
            problems.append(f"{secret} is not used by docker-compose.yml")
        elif operators - {":?"}:
            problems.append(f"{secret} must be read as ${{{secret}:?message}} everywhere")
        if documented.get(secret):
            problems.append(f".env.example gives {secret} a sample value: leave it blank (required)")
    return problems


def dependency_problems(stack: Stack) -> list[str]:
    found = services(stack)
    problems = []
    for name, service in found.items():
        depends_on = service.get("depends_on") or {}
        conditions = ({target: "service_started" for target in depends_on} if isinstance(depends_on, list)
                      else {target: (spec or {}).get("condition", "service_started")
                            for target, spec in depends_on.items()})
        for target, condition in conditions.items():
            if target not in found:
                problems.append(f"service {name} depends on {target}, which does not exist")
            elif condition == "service_healthy" and not has_healthcheck(found[target]):
                problems.append(f"service {name} waits for {target} to be healthy, but it has no healthcheck")
    for name, needs in STARTUP_ORDER.items():
        depends_on = (found.get(name) or {}).get("depends_on") or {}
        for target in needs:
            spec = depends_on.get(target) if isinstance(depends_on, dict) else None
            if (spec or {}).get("condition") != "service_healthy":
                problems.append(f"service {name} must wait for {target} with condition: service_healthy")
    return problems


def has_healthcheck(service: dict[str, Any]) -> bool:
    healthcheck = service.get("healthcheck") or {}
    return bool(healthcheck.get("test")) and not healthcheck.get("disable", False)


def missing_healthchecks(stack: Stack) -> list[str]:
    found = services(stack)
    return [f"service {name} has no healthcheck" for name in HEALTHCHECKED_SERVICES
            if name in found and not has_healthcheck(found[name])]


def plugin_problems(stack: Stack) -> list[str]:
    problems = []
    for name in CKAN_SERVICES:
        service = services(stack).get(name)
        if service is None:
            continue
        plugins = ckan_plugins(service)
        if POSTGRES_SEARCH_PLUGIN in plugins:
            problems.append(f"service {name} loads {POSTGRES_SEARCH_PLUGIN}: production searches with Solr")
        problems += [f"service {name} does not load the {plugin} plugin"
                     for plugin in REQUIRED_PLUGINS if plugin not in plugins]
        if "envvars" in plugins and plugins[-1] != "envvars":
            problems.append(f"service {name} must load envvars last")
        if not environment(service).get("CKAN_SOLR_URL", "").startswith("http"):
            problems.append(f"service {name} has no CKAN_SOLR_URL")
    return problems


def scheduler_problems(stack: Stack) -> list[str]:
    scheduler = services(stack).get("scheduler")
    if scheduler is None:
        return ["there is no scheduler service"]
    command = command_of(scheduler)
    texts = [" ".join(command)]
    for part in command:
        script = image_file(stack, part)
        if script is not None and script.is_file():
            texts.append(script.read_text(encoding="utf-8"))
    text = "\n".join(texts)
    # One command runs every periodic job (harvests, the metrics snapshot, OCDS retries), the
    # same as `make run`'s scheduler (tests/test_stack.py).
    if not re.search(r"\bogpcatalog schedule\b", text):
        return ["the scheduler does not run `ckan ogpcatalog schedule`"]
    return []


def image_problems(stack: Stack) -> list[str]:
    found = services(stack)
    web = found.get("ckan") or {}
    problems = []
    if not web.get("build") or not web.get("image"):
        problems.append("service ckan must build the portal image and name it")
    for name, service in found.items():
        command = command_of(service) + command_of(service, "entrypoint")
        runs_ckan = name in CKAN_SERVICES or command[:1] == ["ckan"] or any(
            part.startswith("/srv/app/") for part in command)
        if runs_ckan and (service.get("image"), service.get("build")) != (web.get("image"), web.get("build")):
            problems.append(f"service {name} runs CKAN but not from the image that service ckan builds")
    build = web.get("build") or {}
    if isinstance(build, dict):
        context = (stack.root / build.get("context", ".")).resolve()
        if context != repo_root(stack).resolve():
            problems.append(f"the portal image's build context is {context}, not the repository root")
        if not (context / build.get("dockerfile", "Dockerfile")).is_file():
            problems.append("the portal image's Dockerfile does not exist")
    return problems


def command_problems(stack: Stack) -> list[str]:
    found = services(stack)
    return [f"service {name} must run `{' '.join(expected)}`, not `{' '.join(command_of(found[name]))}`"
            for name, expected in CKAN_COMMANDS.items()
            if name in found and command_of(found[name]) != expected]


def missing_files(stack: Stack) -> list[str]:
    problems = []
    for sources, _ in dockerfile_copies(stack):
        for source in (source for source in sources if source != "."):
            if not (repo_root(stack) / source).exists():
                problems.append(f"the Dockerfile copies {source}, which does not exist")
            elif not dockerignore_admits(stack, source):
                problems.append(f"the Dockerfile copies {source}, which Dockerfile.dockerignore leaves out")
    referenced = []
    for keyword, rest in dockerfile_instructions(stack.dockerfile):
        if keyword in ("ENTRYPOINT", "CMD"):
            referenced += re.findall(r"\"(/[^\"]+)\"", rest)
    for service in services(stack).values():
        mounted = []
        for volume in service.get("volumes") or []:
            if isinstance(volume, str):
                source, _, target = volume.partition(":")
                target = target.split(":", 1)[0]
            else:
                source, target = volume.get("source", ""), volume.get("target", "")
            if source.startswith("."):
                mounted.append(target)
                if not (stack.root / source).exists():
                    problems.append(f"bind mount {source} does not exist in docker/")
        # A path under a bind mount comes from the repository (checked above), not the image.
        referenced += [part for part in command_of(service) + command_of(service, "entrypoint")
                       if part.startswith("/") and not any(
                           part == target or part.startswith(target.rstrip("/") + "/")
                           for target in mounted)]
    for path in referenced:
        if path in BASE_IMAGE_PATHS:
            continue
        script = image_file(stack, path)
        if script is None:
            problems.append(f"{path} is neither copied into the image nor part of the base image")
        elif not script.is_file():
            problems.append(f"{path} comes from {script.relative_to(repo_root(stack))}, which does not exist")
    return problems


def dockerignore_admits(stack: Stack, source: str) -> bool:
    patterns = [line.strip() for line in stack.dockerignore.splitlines()
                if line.strip() and not line.startswith("#")]
    if "*" not in patterns:
        return True
    source = source.rstrip("/")
    return any(pattern.startswith("!") and (source + "/").startswith(pattern[1:].rstrip("/") + "/")
               for pattern in patterns)


def restart_problems(stack: Stack) -> list[str]:
    found = services(stack)
    problems = []
    for name in HARVEST_CONSUMERS:
        service = found.get(name) or {}
        if service.get("restart") != "always":
            problems.append(f"service {name} must have restart: always (an idle consumer exits)")
        if not environment(service).get("HARVEST_REDIS_SOCKET_TIMEOUT", "").isdigit():
            problems.append(f"service {name} does not raise the Redis socket timeout")
    problems += [f"service {name} has no restart policy" for name, service in found.items()
                 if service.get("restart") in (None, "no")]
    return problems


def scaling_problems(stack: Stack) -> list[str]:
    found = services(stack)
    problems = []
    for name in SCALABLE_SERVICES:
        service = found.get(name) or {}
        if service.get("container_name"):
            problems.append(f"service {name} sets container_name, so it cannot be scaled")
        if service.get("ports"):
            problems.append(f"service {name} publishes host ports, so it cannot be scaled")
    return problems


def ocds_standard_problems(stack: Stack) -> list[str]:
    """The image must carry the OCDS standard at the tag the validation expects, downloaded at
    build time, and point ``ckanext.ogpcatalog.ocds.standard_zip`` at it (no download at run time)."""
    from ckanext.ogpcatalog.ocds.standard import STANDARD_TAG

    instructions = dockerfile_instructions(stack.dockerfile)
    args = dict(
        rest.split("=", 1) for keyword, rest in instructions if keyword == "ARG" and "=" in rest
    )

    def expand(text: str) -> str:
        return re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m[1], m[0]), text)

    added = [
        [expand(part) for part in rest.split() if not part.startswith("--")]
        for keyword, rest in instructions if keyword == "ADD"
    ]
    standard = [parts for parts in added if "open-contracting/standard" in parts[0]]
    if not standard:
        return ["the image does not add the OCDS standard's repository ZIP"]
    source, destination = standard[0][0], standard[0][-1]
    problems = []
    if not source.startswith("https://") or not source.endswith(f"/{STANDARD_TAG}"):
        problems.append(f"the OCDS standard is not fetched over https at tag {STANDARD_TAG}: {source}")
    settings = [
        expand(rest) for keyword, rest in instructions
        if keyword == "ENV" and rest.startswith("CKANEXT__OGPCATALOG__OCDS__STANDARD_ZIP=")
    ]
    if settings != [f"CKANEXT__OGPCATALOG__OCDS__STANDARD_ZIP={destination}"]:
        problems.append("ckanext.ogpcatalog.ocds.standard_zip does not point at the ZIP the image adds")
    return problems


ALL_CHECKS = (
    missing_services, unpinned_images, base_image_problems, volume_problems, undocumented_variables,
    unexplained_env_example_entries, unguarded_secrets, dependency_problems, missing_healthchecks,
    plugin_problems, scheduler_problems, image_problems, command_problems, missing_files,
    restart_problems, scaling_problems, ocds_standard_problems,
)


# --- The stack as it is ------------------------------------------------------------------------


def test_every_expected_service_exists_with_an_image_or_build(production_stack):
    assert missing_services(production_stack) == []


def test_every_image_is_pinned_to_a_tag_other_than_latest(production_stack):
    assert unpinned_images(production_stack) == []


def test_portal_image_is_built_from_the_official_ckan_212_base_of_the_pinned_ckan(production_stack):
    assert base_image_problems(production_stack) == []


def test_named_volumes_used_and_declared_match(production_stack):
    assert volume_problems(production_stack) == []


def test_every_variable_the_compose_file_reads_is_in_env_example(production_stack):
    assert undocumented_variables(production_stack) == []


def test_every_env_example_variable_is_read_and_commented(production_stack):
    assert unexplained_env_example_entries(production_stack) == []


def test_secrets_are_required_variables_without_sample_values(production_stack):
    assert unguarded_secrets(production_stack) == []


def test_dependencies_exist_and_healthy_conditions_have_healthchecks(production_stack):
    assert dependency_problems(production_stack) == []


def test_db_solr_redis_and_ckan_have_healthchecks(production_stack):
    assert missing_healthchecks(production_stack) == []


def test_production_loads_solr_search_not_the_postgres_search_plugin(production_stack):
    assert plugin_problems(production_stack) == []


def test_production_solr_serves_the_configset_the_tests_run_against(production_stack):
    solr = services(production_stack)["solr"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in solr["volumes"]
              if isinstance(volume, str) and volume.startswith(".")}
    command = command_of(solr)
    assert command[:2] == ["solr-precreate", "ckan"]
    configset = command[2]
    assert (production_stack.root / mounts[configset]).resolve() == (
        repo_root(production_stack) / "solr" / "configsets" / "ckan").resolve()
    assert (repo_root(production_stack) / "solr" / "configsets" / "ckan" / "conf"
            / "managed-schema.xml").is_file()


def test_scheduler_runs_the_schedule_command(production_stack):
    assert scheduler_problems(production_stack) == []


def test_every_ckan_process_runs_the_one_image_built_from_this_repository(production_stack):
    assert image_problems(production_stack) == []


def test_worker_and_harvest_consumers_run_their_ckan_commands(production_stack):
    assert command_problems(production_stack) == []


def test_scripts_and_files_the_stack_refers_to_exist_in_docker_dir(production_stack):
    assert missing_files(production_stack) == []


def test_harvest_consumers_restart_always_and_wait_longer_on_redis(production_stack):
    assert restart_problems(production_stack) == []


def test_web_worker_and_consumers_can_be_scaled(production_stack):
    assert scaling_problems(production_stack) == []


def test_image_carries_the_ocds_standard_fetched_at_build_time(production_stack):
    assert ocds_standard_problems(production_stack) == []


def test_ocds_standard_check_reports_an_image_without_it(production_stack):
    broken = dataclasses.replace(
        production_stack,
        dockerfile=re.sub(r"(?m)^ENV CKANEXT__OGPCATALOG__OCDS__STANDARD_ZIP=.*$", "", production_stack.dockerfile),
    )
    assert ocds_standard_problems(broken) == [
        "ckanext.ogpcatalog.ocds.standard_zip does not point at the ZIP the image adds"
    ]


def test_shell_scripts_parse():
    scripts = sorted(DOCKER.rglob("*.sh"))
    assert scripts
    for script in scripts:
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script.relative_to(REPO)}: {result.stderr}"


# --- Each check reports a broken stack ---------------------------------------------------------


def broken(stack: Stack, change: Callable[[dict[str, Any]], None]) -> Stack:
    compose = copy.deepcopy(stack.compose)
    change(compose)
    return dataclasses.replace(stack, compose=compose)


def set_service(name: str, **keys: Any) -> Callable[[dict[str, Any]], None]:
    def change(compose: dict[str, Any]) -> None:
        compose["services"][name] = {**compose["services"][name], **keys}
    return change


def without_service_key(name: str, key: str) -> Callable[[dict[str, Any]], None]:
    def change(compose: dict[str, Any]) -> None:
        compose["services"][name] = {k: v for k, v in compose["services"][name].items() if k != key}
    return change


def with_environment(name: str, **variables: str) -> Callable[[dict[str, Any]], None]:
    def change(compose: dict[str, Any]) -> None:
        service = compose["services"][name]
        service["environment"] = {**environment(service), **variables}
    return change


def add_search_plugin(compose: dict[str, Any]) -> None:
    service = compose["services"]["worker"]
    plugins = environment(service)["CKAN__PLUGINS"]
    service["environment"] = {**environment(service), "CKAN__PLUGINS": f"{POSTGRES_SEARCH_PLUGIN} {plugins}"}


def drop_volume(volume: str) -> Callable[[dict[str, Any]], None]:
    def change(compose: dict[str, Any]) -> None:
        del compose["volumes"][volume]
    return change


def declare_volume(volume: str) -> Callable[[dict[str, Any]], None]:
    def change(compose: dict[str, Any]) -> None:
        compose["volumes"][volume] = None
    return change


def drop_service(name: str) -> Callable[[dict[str, Any]], None]:
    def change(compose: dict[str, Any]) -> None:
        del compose["services"][name]
    return change


BROKEN_COMPOSE = [
    (missing_services, drop_service("harvest-fetch")),
    (unpinned_images, set_service("redis", image="redis:latest")),
    (unpinned_images, set_service("solr", image="ckan/ckan-solr")),
    (volume_problems, drop_volume("solr_data")),
    (volume_problems, declare_volume("forgotten_data")),
    (undocumented_variables, with_environment("worker", SOMETHING="${UNDOCUMENTED_SETTING}")),
    (unexplained_env_example_entries, with_environment("db", POSTGRES_PASSWORD="fixed")),
    (unguarded_secrets, with_environment("db", POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-postgres}")),
    (dependency_problems, set_service("worker", depends_on={"queue": {"condition": "service_started"}})),
    (dependency_problems, without_service_key("redis", "healthcheck")),
    (dependency_problems, set_service("ckan", depends_on={"db": {"condition": "service_healthy"}})),
    (missing_healthchecks, without_service_key("solr", "healthcheck")),
    (plugin_problems, add_search_plugin),
    (plugin_problems, with_environment("harvest-fetch", CKAN__PLUGINS="ogpcatalog harvest envvars")),
    (plugin_problems, with_environment("ckan", CKAN_SOLR_URL="")),
    (scheduler_problems, set_service("scheduler", command=["ckan", "harvester", "run"])),
    (image_problems, set_service("worker", image="ogpcatalog-ckan:0.0.9")),
    (image_problems, set_service("harvest-gather", build={"context": ".", "dockerfile": "Dockerfile"})),
    (command_problems, set_service("harvest-fetch", command=["ckan", "harvester", "gather-consumer"])),
    (missing_files, set_service("scheduler", command=["/srv/app/bin/cron.sh"])),
    (missing_files, set_service("nginx", volumes=["./nginx/conf.d:/etc/nginx/conf.d:ro"])),
    (restart_problems, set_service("harvest-fetch", restart="unless-stopped")),
    (restart_problems, with_environment("harvest-gather", HARVEST_REDIS_SOCKET_TIMEOUT="")),
    (scaling_problems, set_service("harvest-fetch", container_name="fetch")),
    (scaling_problems, set_service("ckan", ports=["5000:5000"])),
]


@pytest.mark.parametrize(
    "check, change", BROKEN_COMPOSE,
    ids=[f"{check.__name__}-{index}" for index, (check, _) in enumerate(BROKEN_COMPOSE)],
)
def test_check_reports_a_broken_compose_file(production_stack, check, change):
    assert check(broken(production_stack, change)) != []


@pytest.mark.parametrize("dockerfile_from, setup_pin", [
    ("FROM ckan/ckan-base:2.11", "2.12.0"),
    ("FROM ckan/ckan-dev:2.12.0", "2.12.0"),
    ("FROM python:3.12-slim", "2.12.0"),
    ("FROM ckan/ckan-base:2.12.1", "2.12.0"),
])
def test_base_image_check_reports_a_wrong_base(production_stack, dockerfile_from, setup_pin):
    stack = dataclasses.replace(
        production_stack,
        dockerfile=re.sub(r"(?m)^FROM .*$", dockerfile_from, production_stack.dockerfile),
        setup_py=f'CKAN_STACK = ["ckan[requirements]=={setup_pin}"]',
    )
    assert base_image_problems(stack) != []


def test_env_example_checks_report_a_stale_or_uncommented_variable(production_stack):
    stale = dataclasses.replace(production_stack, env_example=production_stack.env_example + "# Old.\nOLD_SETTING=1\n")
    uncommented = dataclasses.replace(
        production_stack, env_example=production_stack.env_example.replace("# CKAN's database.\n", "")
    )
    sample_secret = dataclasses.replace(
        production_stack, env_example=production_stack.env_example.replace("\nCKAN_SECRET_KEY=\n", "\nCKAN_SECRET_KEY=changeme\n")
    )
    assert unexplained_env_example_entries(stale) == [".env.example sets OLD_SETTING, which docker-compose.yml does not read"]
    assert unexplained_env_example_entries(uncommented) == [".env.example has no comment line just above CKAN_DB"]
    assert unguarded_secrets(sample_secret) != []


def test_dockerignore_that_leaves_out_a_copied_directory_is_reported(production_stack):
    stack = dataclasses.replace(production_stack, dockerignore=production_stack.dockerignore.replace("!docker/bin\n", ""))
    assert missing_files(stack) == ["the Dockerfile copies docker/bin/, which Dockerfile.dockerignore leaves out"]


def test_a_broken_copy_of_the_compose_file_on_disk_is_reported(tmp_path):
    shutil.copytree(DOCKER, tmp_path / "docker")
    compose_file = tmp_path / "docker" / "docker-compose.yml"
    compose_file.write_text(
        compose_file.read_text(encoding="utf-8").replace(
            "CKAN__PLUGINS: ogpcatalog ", f"CKAN__PLUGINS: {POSTGRES_SEARCH_PLUGIN} ogpcatalog "
        ),
        encoding="utf-8",
    )
    (tmp_path / "docker" / "bin" / "scheduler.sh").unlink()
    stack = load_stack(tmp_path / "docker")

    assert any(POSTGRES_SEARCH_PLUGIN in problem for problem in plugin_problems(stack))
    assert "/srv/app/bin/scheduler.sh comes from docker/bin/scheduler.sh, which does not exist" in missing_files(stack)
    assert scheduler_problems(stack) == ["the scheduler does not run `ckan ogpcatalog schedule`"]


# --- The scripts do what the stack relies on ---------------------------------------------------


@pytest.fixture
def fake_ckan(tmp_path):
    """A `ckan` on PATH that logs its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "ckan-calls.log"
    script = bin_dir / "ckan"
    script.write_text('#!/bin/bash\necho "$*" >> "$FAKE_CKAN_LOG"\n')
    script.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_CKAN_LOG": str(log),
        "CKAN_INI": str(tmp_path / "ckan.ini"),
        "HARVEST_RUN_INTERVAL_MINUTES": "15",
        "METRICS_SNAPSHOT_AT": "02:00",
    }
    return env, log


def run_scheduler_script(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(DOCKER / "bin" / "scheduler.sh")], env=env,
                          capture_output=True, text=True, timeout=10)


def test_scheduler_runs_the_schedule_command_with_the_compose_settings(fake_ckan):
    """The periodic jobs themselves (one snapshot a day, also after a restart; a failed one
    tried again later; harvests each interval) are tested on the command: tests/schedule/."""
    env, log = fake_ckan

    result = run_scheduler_script(env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert log.read_text().splitlines() == [
        f"-c {env['CKAN_INI']} ogpcatalog schedule --harvest-interval 900 --snapshot-at 02:00"]


@pytest.mark.parametrize("setting, value", [("METRICS_SNAPSHOT_AT", "2am"),
                                            ("HARVEST_RUN_INTERVAL_MINUTES", "0.5")])
def test_scheduler_refuses_a_malformed_setting(fake_ckan, setting, value):
    env, log = fake_ckan

    result = run_scheduler_script({**env, setting: value})

    assert result.returncode == 64
    assert setting in result.stdout
    assert not log.exists()


def test_entrypoint_writes_plugins_and_one_secret_and_lengthens_consumer_redis_timeout(tmp_path):
    ckan_ini = tmp_path / "ckan.ini"
    ckan_ini.write_text("[app:main]\nSECRET_KEY = \nckan.plugins = image_view envvars\n")
    ckan_bin = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{ckan_bin}{os.pathsep}{os.environ['PATH']}",
        "CKAN_INI": str(ckan_ini),
        "CKAN__PLUGINS": "ogpcatalog harvest dcat envvars",
        "CKAN_SECRET_KEY": "s3cret-Key_1",
        "CKAN_REDIS_URL": "redis://redis:6379/1",
        "HARVEST_REDIS_SOCKET_TIMEOUT": "3600",
    }

    result = subprocess.run(["bash", str(DOCKER / "bin" / "ogpcatalog-entrypoint.sh"), "printenv", "CKAN_REDIS_URL"],
                            env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "redis://redis:6379/1?socket_timeout=3600&socket_keepalive=true"
    settings = dict(line.split(" = ", 1) for line in ckan_ini.read_text().splitlines() if " = " in line)
    assert settings["ckan.plugins"] == "ogpcatalog harvest dcat envvars"
    assert settings["SECRET_KEY"] == "s3cret-Key_1"
    assert settings["api_token.jwt.encode.secret"] == settings["api_token.jwt.decode.secret"] == "string:s3cret-Key_1"
