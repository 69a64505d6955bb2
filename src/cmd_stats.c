/*
 * `migreview stats --database-url URL [-o FILE]`: a production database's
 * table sizes into a stats file (stats.h), read-only and bounded in time;
 * `--print-query` prints the query instead, for psql.
 *
 * Everything the file says comes from src/stats.sql, run as it is: psql
 * with that query writes the same bytes.  The query reads the catalog and
 * the statistics views; the session is read-only and in a read-only
 * transaction besides, so that a mistake here cannot write to production.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "migreview/stats.h"
#include "migreview/util.h"

/*
 * The bounds of a run on production: a server that does not answer, a
 * catalog too large to read in a minute, or a table locked by a running
 * migration (the size functions wait for its lock) ends the run instead.
 */
static const char *const connect_keys[] = {
	"dbname", "connect_timeout", "options", "application_name", "client_encoding", NULL
};
#define CONNECT_TIMEOUT "10"
#define SESSION_OPTIONS \
	"-c default_transaction_read_only=on -c statement_timeout=60s -c lock_timeout=5s"

/*
 * The libpq URL of a SQLAlchemy-style one, as `migreview test` takes them:
 * postgresql+DRIVER://..., postgresql://... or postgres://...  NULL, with
 * the message said, for anything else.
 */
static char *
libpq_url(const char *url)
{
	const char *sep = strstr(url, "://");
	size_t scheme = sep ? (size_t)(sep - url) : 0;
	size_t dialect = strcspn(url, "+:");
	char *out;

	if (!sep || !scheme) {
		cmd_error("migreview: stats: --database-url takes a URL such as "
			  "postgresql://user@host/database\n");
		return NULL;
	}
	if (!((dialect == 10 && !strncmp(url, "postgresql", 10)) ||
	      (dialect == 8 && !strncmp(url, "postgres", 8)))) {
		cmd_error("migreview: stats reads PostgreSQL only, not %.*s: other databases get "
			  "no stats file yet (list their large tables by hand in [migreview] "
			  "large_tables)\n", (int)dialect, url);
		return NULL;
	}
	/* "+psycopg2" names SQLAlchemy's driver; libpq knows the URL without it */
	out = mr_printf("postgresql%s", sep);
	if (!out)
		cmd_error("migreview: out of memory\n");
	return out;
}

/* libpq's message, its continuation lines indented with spaces, not a tab. */
static void
say_pg_error(const char *what, const char *message)
{
	char *text = mr_strdup(message);
	size_t len = text ? strlen(text) : 0;

	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	for (char *c = text; c && *c; c++)
		if (*c == '\t')
			*c = ' ';
	cmd_error("migreview: stats: %s: %s\n", what, text ? text : message);
	free(text);
}

static PGconn *
connect_read_only(const char *url)
{
	const char *values[] = { url, CONNECT_TIMEOUT, SESSION_OPTIONS, "migreview stats",
				 "UTF8", NULL };
	PGconn *conn = PQconnectdbParams(connect_keys, values, 1);

	if (!conn) {
		cmd_error("migreview: out of memory\n");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		say_pg_error("cannot connect", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

static bool
command_ok(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		say_pg_error(sql, PQerrorMessage(conn));
	PQclear(res);
	return ok;
}

/* The stats file's text, newline-terminated as psql prints it, or NULL. */
static char *
read_stats(PGconn *conn)
{
	PGresult *res;
	char *text = NULL;

	if (!command_ok(conn, "BEGIN READ ONLY"))
		return NULL;
	res = PQexec(conn, stats_sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		say_pg_error("the stats query failed", PQerrorMessage(conn));
	else if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQgetisnull(res, 0, 0))
		cmd_error("migreview: stats: the stats query gave no single value\n");
	else if (!(text = mr_printf("%s\n", PQgetvalue(res, 0, 0))))
		cmd_error("migreview: out of memory\n");
	PQclear(res);
	/* nothing was written; ending the transaction either way keeps nothing */
	if (text && !command_ok(conn, "ROLLBACK")) {
		free(text);
		text = NULL;
	}
	return text;
}

static bool
write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t put = write(fd, text, len);

		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return false;
		text += put;
		len -= (size_t)put;
	}
	return true;
}

/* Replaces path whole, through a temporary file beside it: never half a file. */
static int
write_file(const char *path, const char *text)
{
	char *tmp = mr_printf("%s.tmp-%ld", path, (long)getpid());
	int fd = -1, saved = 0;

	if (!tmp) {
		cmd_error("migreview: out of memory\n");
		return -1;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 || !write_all(fd, text, strlen(text)) || fsync(fd) < 0)
		saved = errno;
	if (fd >= 0 && close(fd) < 0 && !saved)
		saved = errno;
	if (!saved && rename(tmp, path) < 0)
		saved = errno;
	if (saved) {
		if (fd >= 0)
			unlink(tmp);
		cmd_error("migreview: stats: cannot write %s: %s\n", path, strerror(saved));
	}
	free(tmp);
	return saved ? -1 : 0;
}

static int
emit(const char *out, const char *text)
{
	if (out)
		return write_file(out, text);
	if (fputs(text, stdout) < 0 || fflush(stdout) < 0) {
		cmd_error("migreview: stats: cannot write to standard output: %s\n",
			  strerror(errno));
		return -1;
	}
	return 0;
}

static int
usage_error(const struct cli *cli)
{
	if (cli->argc > 0)
		cmd_error("migreview: stats takes no arguments ('%s')\n", cli->argv[0]);
	else if (cli->print_query && (cli->database_url || cli->output))
		cmd_error("migreview: stats --print-query prints the query only: it takes neither "
			  "--database-url nor -o\n");
	else if (!cli->print_query && !cli->database_url)
		cmd_error("migreview: stats needs --database-url URL, the database to read (or "
			  "--print-query, to run the query with psql)\n");
	else
		return 0;
	return -1;
}

int
cmd_stats(const struct cli *cli)
{
	const char *out = cli->output && strcmp(cli->output, "-") ? cli->output : NULL;
	char *url, *text = NULL, err[MR_ERROR_MAX];
	struct stats *s = NULL;
	PGconn *conn;
	int rc = EXIT_USAGE;

	if (usage_error(cli) < 0)
		return EXIT_USAGE;
	if (cli->print_query)
		return fputs(stats_sql, stdout) < 0 ? EXIT_USAGE : EXIT_CLEAN;
	if (!(url = libpq_url(cli->database_url)))
		return EXIT_USAGE;
	conn = connect_read_only(url);
	free(url);
	if (conn) {
		text = read_stats(conn);
		PQfinish(conn);
	}
	if (text && stats_parse(text, strlen(text), "the stats query's answer", &s, err,
				sizeof(err)) < 0)
		cmd_error("migreview: stats: %s (a server this migreview does not know?)\n", err);
	else if (s && emit(out, text) == 0) {
		cmd_error("migreview: stats: %zu tables, %zu indexes of %s (PostgreSQL %.*s)%s%s\n",
			  s->n_tables, s->n_indexes, s->database,
			  (int)strcspn(s->server_version, " "), s->server_version,
			  out ? " written to " : "", out ? out : "");
		rc = EXIT_CLEAN;
	}
	stats_free(s);
	free(text);
	return rc;
}
