"""Fixtures of the image tests (tests/image/run.sh starts them): the compose
stack run from the image by podman, the demo data loaded and tokens minted
from the image as the README tells an admin, and the API tests' contract-
checked client pointed at the containerised gateway."""
import os
import sys

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "api"))

from compose_podman import Stack, listed_services  # noqa: E402
from hearth_client import Api  # noqa: E402

SERVICES = [name for name, _ in listed_services()]


def setting(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError("run the image tests through `make image-test` (tests/image/run.sh)")
    return value


@pytest.fixture(scope="session")
def stack():
    env = dict(os.environ)
    env.update(HEARTH_SECRETS_DIR=setting("HEARTH_IMAGE_TEST_SECRETS"),
               HEARTH_IMAGE=setting("HEARTH_IMAGE"),
               HEARTH_DB_HOST="127.0.0.1", HEARTH_DB_PORT=setting("HEARTH_IMAGE_TEST_PG_PORT"),
               HEARTH_DRAIN_TIMEOUT_S="3")
    s = Stack(env, setting("HEARTH_IMAGE_TEST_RUN_ID"), setting("HEARTH_IMAGE_TEST_DIR"))
    try:
        s.up()
        seeded = s.run_once("migrate", ["hearthctl", "seed-demo"])
        assert seeded.returncode == 0, f"hearthctl seed-demo failed: {seeded.stderr}"
        yield s
    finally:
        s.down()


class ImageApi(Api):
    """Tokens from the image's hearthctl with the secrets' signing key, as
    `docker-compose run --rm migrate hearthctl token ...` makes them."""

    def __init__(self, stack):
        super().__init__(f"http://127.0.0.1:{stack.gateway_port}", {})
        self.stack = stack

    def ctl(self, *args, check=True):
        if args and args[0] == "token":
            # The issuer, audience and kid the services expect (the private
            # half of their key file is init-secrets.sh's jwt-es256.pem).
            env = self.stack.environment(SERVICES[0])
            args = (*args, "--key", "/run/hearth/secrets/jwt-es256.pem",
                    "--kid", env["HEARTH_JWT_PEM_KID"], "--iss", env["HEARTH_JWT_ISSUER"],
                    "--aud", env["HEARTH_JWT_AUDIENCE"])
        out = self.stack.run_once("migrate", ["hearthctl", *args])
        if check and out.returncode != 0:
            raise RuntimeError(f"hearthctl {' '.join(args[:1])} failed: {out.stderr}")
        return out


@pytest.fixture(scope="session")
def api(stack):
    return ImageApi(stack)
