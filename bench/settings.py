"""The benchmark's settings: production's, with the floor's URLconf and the benchmark's
own commands (bench_seed, bench_sign_ins). bench/run gives the environment production
requires."""

from cse_course.settings.production import *  # noqa: F403
from cse_course.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
