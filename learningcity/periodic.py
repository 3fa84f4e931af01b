"""Every periodic task of the platform, in one place (huey crontabs, in UTC).

To add one: write the work as a plain function in its app (a service, testable on
its own), then add a task here that calls it::

    @db_periodic_task(crontab(minute="0", hour="6"))
    @lock_task("send-digests")
    def send_digests() -> None:
        digests.send_digests()

``db_periodic_task`` closes stale database connections around the call;
``lock_task`` stops a second copy from starting while one still runs (when several
workers run the schedule, or a run takes longer than its period). Every task here must
be safe to run twice. The schedule runs inside ``learningcity run_huey``; with several
worker machines, let one run it and start the others with ``--no-periodic``
(docs/deployment.md).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from learningcity.catalogue import alerts as catalogue_alerts
from learningcity.catalogue import index_tasks as catalogue_index
from learningcity.catalogue import jobs as catalogue_jobs
from learningcity.catalogue import schedule as catalogue_schedule
from learningcity.catalogue import services as catalogue_services
from learningcity.core import db
from learningcity.events import printing as events_printing
from learningcity.festivals import services as festivals_services
from learningcity.monitoring import services as monitoring_services
from learningcity.network import peer_services as network_peer_services
from learningcity.network import services as network_services
from learningcity.outreach import jobs as outreach_jobs
from learningcity.participation import emails as participation_emails
from learningcity.participation import mixing as participation_mixing
from learningcity.plans import services as plans_services
from learningcity.programmes import services as programmes_services
from learningcity.quality import invitations as quality_invitations


@db_periodic_task(crontab(minute="*"))
@lock_task("reap-stalled-jobs")
def reap_stalled_jobs() -> None:
    """Give jobs whose worker died to another worker, or fail them with a reason."""
    catalogue_jobs.reap_stalled_jobs()
    monitoring_services.reap_stalled_runs()
    outreach_jobs.reap_stalled_runs()
    plans_services.reap_stalled_report_prints()
    festivals_services.reap_stalled_prints()
    events_printing.reap_stalled_badges()


@db_periodic_task(crontab(minute="*"))
@lock_task("refresh-schedules")
def refresh_schedules() -> None:
    """Move on the "next date" of opportunities whose date has passed."""
    catalogue_schedule.refresh_stale_schedules()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("refresh-search-indexes")
def refresh_search_indexes() -> None:
    """Keep this machine's finder index files current even where nobody searches."""
    catalogue_index.refresh_search_indexes()


@db_periodic_task(crontab(minute="*/15"))
@lock_task("send-reminders")
def send_reminders() -> None:
    """Remind everyone with a seat in a session starting within 24 hours (once each)."""
    catalogue_services.send_reminders()


# Once a day: a digest of what is new, not an e-mail for every new course.
@db_periodic_task(crontab(minute="0", hour="7"))
@lock_task("send-saved-search-alerts")
def send_saved_search_alerts() -> None:
    """E-mail each confirmed saved search what newly matches it (once per opportunity)."""
    catalogue_alerts.send_saved_search_alerts()


# Once a day, in the morning UTC: owners of plan actions hear a few days before their
# progress update is due (once per due date; see plans.notifications).
@db_periodic_task(crontab(minute="30", hour="6"))
@lock_task("send-plan-update-reminders")
def send_plan_update_reminders() -> None:
    """Remind action owners before a progress update is due (once per due date)."""
    plans_services.send_update_reminders()


# Every 30 minutes: learners marked as attending a finished session are invited once
# (by e-mail and on "My learning") to give feedback (see quality.invitations).
@db_periodic_task(crontab(minute="*/30"))
@lock_task("send-feedback-invitations")
def send_feedback_invitations() -> None:
    """Invite each learner once per attended session to give feedback."""
    quality_invitations.send_feedback_invitations()


# Once a day: members hear 60 and 14 days before their biennial report is due, and
# once when it is overdue (once per stage; see network.services.send_report_reminders).
@db_periodic_task(crontab(minute="0", hour="6"))
@lock_task("send-membership-report-reminders")
def send_membership_report_reminders() -> None:
    """Remind member cities before (and once after) their biennial report is due."""
    network_services.send_report_reminders()


# Once a day, after the reminders: a member whose report has not come by the end of
# its grace period lapses (its status history keeps the step).
@db_periodic_task(crontab(minute="15", hour="6"))
@lock_task("lapse-overdue-members")
def lapse_overdue_members() -> None:
    """Turn members whose biennial report is past its grace period to lapsed."""
    network_services.lapse_overdue_members()


# Once a day: people who follow a cluster's discussions get the new posts in one
# e-mail (see network.peer_services.send_cluster_digests).
@db_periodic_task(crontab(minute="30", hour="7"))
@lock_task("send-cluster-digests")
def send_cluster_digests() -> None:
    """E-mail each follower of a cluster the posts since their last digest."""
    network_peer_services.send_cluster_digests()


# Every morning: pairs whose volunteer's training or safeguarding check has expired are
# suspended (coordinators told), and checks expiring within 30 days are announced once.
@db_periodic_task(crontab(minute="15", hour="5"))
@lock_task("befriending-checks")
def check_befriending_volunteers() -> None:
    """Suspend pairs without valid checks; remind of checks about to expire."""
    programmes_services.suspend_pairs_with_expired_checks()
    programmes_services.send_check_reminders()


# Once a day: what the processes, proposals and debates people follow brought, in one
# e-mail each (for those who chose the digest, the default).
@db_periodic_task(crontab(minute="15", hour="7"))
@lock_task("send-participation-digests")
def send_participation_digests() -> None:
    """E-mail each follower the day's notices not yet e-mailed (once per notice)."""
    participation_emails.send_participation_digests()


# Once a night: the query planner's statistics, so the plans follow the data as it
# grows (on SQLite nothing else refreshes them; PostgreSQL's autovacuum does too, but
# later). Pages such as the proposal list's word search need them to start from the
# index that narrows most.
@db_periodic_task(crontab(minute="45", hour="3"))
@lock_task("refresh-planner-statistics")
def refresh_planner_statistics() -> None:
    """ANALYZE the database (core.db.refresh_planner_statistics)."""
    db.refresh_planner_statistics()


# Every five minutes: budgets and surveys that received ballots or responses since they
# were last mixed have them rewritten in a random order with new keys, so that not even
# the database's bookkeeping links one to the person written with it
# (participation.mixing).
@db_periodic_task(crontab(minute="*/5"))
@lock_task("mix-ballots")
def mix_ballots() -> None:
    """Mix the ballots and survey responses received since the last mix."""
    participation_mixing.mix_new()
