"""The web application is made ready to serve as it loads (config/wsgi.py): every page template
compiled, what is loaded by then frozen out of Python's cycle collections, and the youngest
generation collected every YOUNGEST allocations, not every 700."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_the_loaded_application_has_its_templates_compiled_is_frozen_and_collected_less_often(tmp_path):
    script = (
        "import gc, json\n"
        "before = gc.get_threshold()\n"
        "from goldenthread.config import wsgi\n"
        "env = wsgi.engines['jinja2'].env\n"
        "names = env.list_templates(extensions=['html', 'jinja'])\n"
        "compiled = {key[1] for key in env.cache.keys()}\n"
        "print(json.dumps({'before': before, 'after': gc.get_threshold(), 'frozen': gc.get_freeze_count(), "
        "'youngest': wsgi.YOUNGEST, 'templates': len(names), 'not_compiled': sorted(set(names) - compiled)}))\n"
    )
    env = {**os.environ, "GOLDENTHREAD_VAR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["before"][0] == 700  # Python's own, until the application is loaded
    assert seen["after"] == [seen["youngest"], *seen["before"][1:]]
    assert seen["youngest"] > 700
    assert seen["templates"] > 100 and seen["not_compiled"] == []  # web/plan.html, the NHS.UK components, …
    assert seen["frozen"] > 10_000  # Django, the settings, the app registry, the libraries
