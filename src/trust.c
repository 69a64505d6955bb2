/* Signed decisions: ssh-keygen -Y sign and -Y verify, as git signs commits. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migreview/trust.h"
#include "migreview/util.h"

extern char **environ;

/* A private directory for one exchange with ssh-keygen, removed by scratch_free(). */
struct scratch {
	char *dir;
	char *paths[4];         /* msg, sig, key, out: what is written in dir */
};

static char *
scratch_file(struct scratch *s, int slot, const char *name)
{
	if (!s->paths[slot])
		s->paths[slot] = mr_path_join(s->dir, name);
	return s->paths[slot];
}

static int
scratch_open(struct scratch *s, struct mr_error *err)
{
	const char *tmp = getenv("TMPDIR");

	memset(s, 0, sizeof(*s));
	s->dir = mr_printf("%s/migreview-trust.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!s->dir)
		return mr_error_oom(err);
	if (!mkdtemp(s->dir)) {
		int e = errno;

		free(s->dir);
		s->dir = NULL;
		return mr_error_set(err, "cannot make a temporary directory: %s", strerror(e));
	}
	return 0;
}

static void
scratch_free(struct scratch *s)
{
	for (size_t i = 0; i < MR_ARRAY_SIZE(s->paths); i++) {
		if (s->paths[i])
			unlink(s->paths[i]);
		free(s->paths[i]);
	}
	if (s->dir) {
		/* ssh-keygen -Y sign writes FILE.sig beside the message */
		char *sig = mr_printf("%s/msg.sig", s->dir);

		if (sig)
			unlink(sig);
		free(sig);
		rmdir(s->dir);
	}
	free(s->dir);
}

static int
write_text(const char *path, const char *text, struct mr_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t len = strlen(text), done = 0;

	if (fd < 0)
		return mr_error_set(err, "%s: %s", path, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;

			close(fd);
			return mr_error_set(err, "%s: %s", path, strerror(e));
		}
		done += (size_t)n;
	}
	return close(fd) == 0 ? 0 : mr_error_set(err, "%s: %s", path, strerror(errno));
}

/* The first line of what a tool printed, for a message; "" without one. */
static void
first_line(const char *path, char *out, size_t size)
{
	char *text = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (mr_read_file(path, MR_FILE_SIGNATURE, &text, &len, NULL) < 0)
		return;
	text[strcspn(text, "\r\n")] = '\0';
	snprintf(out, size, "%s", text);
	free(text);
}

/*
 * Runs ssh-keygen with argv (argv[0] is "ssh-keygen"), its standard input
 * from in (or /dev/null), its output and errors into the scratch's "out"
 * file: the exit status, or -1 with err when it could not run at all.
 */
static int
ssh_keygen(struct scratch *s, char *const argv[], const char *in, struct mr_error *err)
{
	posix_spawn_file_actions_t fa;
	char *out = scratch_file(s, 3, "out");
	pid_t pid;
	int status, rc;

	if (!out)
		return mr_error_oom(err);
	unlink(out);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawnp(&pid, "ssh-keygen", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return mr_error_set(err, "cannot run ssh-keygen: %s (install openssh-client)",
				    strerror(rc));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return mr_error_set(err, "ssh-keygen: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *
decision_message(const struct decision *d)
{
	json_t *a = json_pack("[s, s, s, s, s?, s, s, s]", "migreview-decision-1", d->revision,
			      d->item, decision_status_name(d->status), d->reason, d->reviewer,
			      d->timestamp, d->blob);
	char *text = a ? json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	char *line = text ? mr_printf("%s\n", text) : NULL;

	free(text);
	json_decref(a);
	return line;
}

char *
trust_principal(const char *reviewer)
{
	const char *lt = strrchr(reviewer, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	return gt && gt > lt + 1 ? mr_strndup(lt + 1, (size_t)(gt - lt - 1)) : mr_strdup(reviewer);
}

char *
trust_signing_key(const char *repo_dir)
{
	static const char *const keys[] = { "gpg.format", "user.signingkey" };
	const char *env = getenv("MIGREVIEW_SIGNING_KEY");
	char *v[2];

	if (env)
		return *env ? mr_strdup(env) : NULL;
	review_git_config(repo_dir, keys, v, 2);
	if (!v[0] || strcmp(v[0], "ssh")) {
		free(v[1]);
		v[1] = NULL;
	}
	free(v[0]);
	return v[1];
}

/* The key file ssh-keygen is given: ~/ expanded, a "key::" literal written out. */
static char *
key_file(struct scratch *s, const char *key, bool *literal, struct mr_error *err)
{
	const char *home = getenv("HOME");
	char *path;

	*literal = !strncmp(key, "key::", 5);
	if (*literal) {
		char *text = mr_printf("%s\n", key + 5);

		path = text ? scratch_file(s, 2, "key.pub") : NULL;
		if (!path || write_text(path, text, err) < 0) {
			free(text);
			return path ? NULL : (mr_error_oom(err), NULL);
		}
		free(text);
		return mr_strdup(path);
	}
	path = !strncmp(key, "~/", 2) && home ? mr_path_join(home, key + 2) : mr_strdup(key);
	if (!path)
		mr_error_oom(err);
	return path;
}

int
trust_sign(struct decision *d, const char *key, struct mr_error *err)
{
	struct scratch s;
	char *msg = decision_message(d), *file = NULL, *sig_path = NULL, *sig = NULL;
	char why[256];
	bool literal = false;
	size_t len;
	int rc = -1, status;

	if (!msg)
		return mr_error_oom(err);
	if (scratch_open(&s, err) < 0) {
		free(msg);
		return -1;
	}
	if (!scratch_file(&s, 0, "msg") || !(sig_path = mr_printf("%s.sig", s.paths[0]))) {
		mr_error_oom(err);
		goto out;
	}
	if (write_text(s.paths[0], msg, err) < 0 || !(file = key_file(&s, key, &literal, err)))
		goto out;
	{
		char *argv[] = { "ssh-keygen", "-q", "-Y", "sign", "-n", TRUST_NAMESPACE, "-f", file,
				 literal ? "-U" : s.paths[0], literal ? s.paths[0] : NULL, NULL };

		status = ssh_keygen(&s, argv, NULL, err);
	}
	if (status < 0)
		goto out;
	if (status != 0) {
		first_line(s.paths[3], why, sizeof(why));
		mr_error_set(err, "cannot sign with %s: %s", key, *why ? why : "ssh-keygen failed");
		goto out;
	}
	if (mr_read_file(sig_path, MR_FILE_SIGNATURE, &sig, &len, err) < 0)
		goto out;
	free(d->sig);
	d->sig = sig;
	sig = NULL;
	rc = 0;
out:
	free(sig);
	free(sig_path);
	free(file);
	free(msg);
	scratch_free(&s);
	return rc;
}

int
trust_verify(const struct decision *d, const char *allowed_signers, struct mr_error *why)
{
	struct scratch s;
	char *msg, *principal, *sig_file, *msg_file;
	int rc = -1, status;

	if (!d->sig)
		return mr_error_set(why, "not signed");
	msg = decision_message(d);
	principal = trust_principal(d->reviewer);
	if (!msg || !principal || scratch_open(&s, why) < 0) {
		free(msg);
		free(principal);
		return msg && principal ? -1 : mr_error_oom(why);
	}
	msg_file = scratch_file(&s, 0, "msg");
	sig_file = scratch_file(&s, 1, "sig");
	if (!msg_file || !sig_file) {
		mr_error_oom(why);
		goto out;
	}
	if (write_text(msg_file, msg, why) < 0 || write_text(sig_file, d->sig, why) < 0)
		goto out;
	{
		char *argv[] = { "ssh-keygen", "-Y", "verify", "-f", (char *)allowed_signers,
				 "-I", principal, "-n", TRUST_NAMESPACE, "-s", sig_file, NULL };

		status = ssh_keygen(&s, argv, msg_file, why);
	}
	if (status == 0) {
		rc = 0;
		goto out;
	}
	if (status < 0)
		goto out;
	/* which of the two it is: a signature that fits no key, or a key not allowed */
	{
		char *argv[] = { "ssh-keygen", "-Y", "check-novalidate", "-n", TRUST_NAMESPACE,
				 "-s", sig_file, NULL };

		status = ssh_keygen(&s, argv, msg_file, why);
	}
	if (status == 0)
		mr_error_set(why, "signed by a key that the allowed signers do not allow for %s",
			     principal);
	else if (status > 0)
		mr_error_set(why, "its signature does not match its fields (changed after it was "
			     "signed, or not a signature)");
out:
	free(msg);
	free(principal);
	scratch_free(&s);
	return rc;
}
