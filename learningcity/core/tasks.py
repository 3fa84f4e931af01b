"""Background work: the one huey queue, seen from the apps.

huey (``huey.contrib.djhuey``, configured by ``settings.HUEY``) runs every background
task of the platform in one worker process, ``learningcity run_huey``; see
docs/architecture.md, "Background work". Its consumer imports the ``tasks`` module of
every installed app. This one also imports :mod:`learningcity.periodic`, the single
schedule of periodic work, which is project wiring (like ``urls.py``) rather than part
of core, so that core itself never imports a later app.

Rows in our own database, not the queue, are the record of a job (an ``ImportJob``, an
``IndexRun``): a queued task only says "look at row N". A task lost with a killed
worker is therefore never lost work; the periodic reaper finds the row and queues it
again (see ``catalogue.jobs`` and ``monitoring.services.reap_stalled_runs``).
"""

from learningcity import periodic  # noqa: F401  (registers the periodic tasks)
