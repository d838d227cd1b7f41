/*
 * workers.c - the QA service's background worker (qa_service.h):
 *   overdue   every HEARTH_QA_OVERDUE_CHECK_S (and at start) runs
 *             qa.announce_overdue_action_items() (qa 012), which writes one
 *             qa.action_item.overdue event per open item past its due day,
 *             once per item, in one statement; the alerts service turns the
 *             events into action_overdue alerts.
 * "Overdue" happens with the passing of time, not with a request, so nothing
 * else would ever announce it. All state is in the database: two processes
 * running the check at once announce each item once.
 */
#include <stdio.h>

#include "hearth/config.h"
#include "hearth/worker.h"
#include "qa_service.h"

static long overdue_check_s = 300;

int qa_settings_load(FILE *errors)
{
	return hearth_config_env_long("HEARTH_QA_OVERDUE_CHECK_S", 1, 86400, &overdue_check_s, errors);
}

static void overdue_run(struct hearth_worker *w, void *arg)
{
	(void)arg;
	hearth_worker_every(w, "SELECT qa.announce_overdue_action_items()", 0, NULL, overdue_check_s);
}

const struct hearth_worker_def qa_workers[] = {
	{ "overdue", overdue_run, NULL },
	{ NULL, NULL, NULL },
};
