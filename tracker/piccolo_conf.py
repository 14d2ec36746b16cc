"""Piccolo's configuration: the engine and the one app, both from our settings.

Piccolo finds this module through ``PICCOLO_CONF=tracker.piccolo_conf`` (set by ``tracker.db``).
"""

from piccolo.conf.apps import AppRegistry

from tracker.db import make_engine
from tracker.settings import get_settings

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=["tracker.piccolo_app"])
