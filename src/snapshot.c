/* The snapshot (snapshot.h): a project's files as last read, so that unchanged ones are not read again. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cachebytes.h"
#include "migreview/parsecache.h"
#include "parsecache_int.h"
#include "snapshot.h"

/*
 * The file: the magic, the build's hash, the count of records, the
 * checksum of what follows; then each record: the relative path, the
 * device, inode, size, modification and change times, and the file's parse
 * cache entry without its migration (parsecache_encode()), which names the
 * content's blob and the build again.  Numbers are 64-bit little-endian.
 */
static const char magic[8] = "MRSNAPSH";
enum { OFF_BUILD = 8, OFF_COUNT = 16, OFF_SUM = 24, HEADER = 32 };
enum { STAT_FIELDS = 6 };       /* device, inode, size, mtime s and ns, ctime ns since the epoch */
#define SNAPSHOT_MAX ((size_t)1 << 30)

struct kept {
	uint64_t stat[STAT_FIELDS];
	const unsigned char *entry;
	size_t len;
};

struct snapshot {
	unsigned char *buf;
	struct strmap at;       /* relative path → its record (keys borrowed from paths) */
	struct strvec paths;
	struct kept *kept;
};

static void
stat_fields(const struct stat *st, uint64_t out[STAT_FIELDS])
{
	out[0] = (uint64_t)st->st_dev;
	out[1] = (uint64_t)st->st_ino;
	out[2] = (uint64_t)st->st_size;
	out[3] = (uint64_t)st->st_mtim.tv_sec;
	out[4] = (uint64_t)st->st_mtim.tv_nsec;
	out[5] = (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec;
}

/* The entry's name: one per project. */
static char *
name_of(const struct project *p)
{
	return parsecache_project_entry(p, "snapshot");
}

void
snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	strmap_free(&s->at, false);
	strvec_free(&s->paths);
	free(s->kept);
	free(s->buf);
	free(s);
}

size_t
snapshot_count(const struct snapshot *s)
{
	return s ? s->paths.n : 0;
}

/* Reads the records of s->buf (len bytes, count of them): false when any is malformed. */
static bool
read_records(struct snapshot *s, size_t len, uint64_t count)
{
	const unsigned char *p = s->buf + HEADER, *end = s->buf + len;

	if (count > len / (8 + 8 * STAT_FIELDS + 8) || !(s->kept = calloc(count + 1, sizeof(*s->kept))))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		struct kept *k = &s->kept[i];
		uint64_t n;

		if ((size_t)(end - p) < 8 || (n = cb_le64(p)) > (size_t)(end - p) - 8 ||
		    memchr(p + 8, '\0', n) || strvec_push_n(&s->paths, (const char *)p + 8, n) < 0 ||
		    strmap_put(&s->at, s->paths.v[s->paths.n - 1], i) < 0)
			return false;
		p += 8 + n;
		if ((size_t)(end - p) < 8 * STAT_FIELDS + 8)
			return false;
		for (int f = 0; f < STAT_FIELDS; f++, p += 8)
			k->stat[f] = cb_le64(p);
		n = cb_le64(p);
		p += 8;
		if (n > (size_t)(end - p))
			return false;
		k->entry = p;
		k->len = n;
		p += n;
	}
	return p == end;
}

struct snapshot *
snapshot_parse(unsigned char *buf, size_t len, bool trusted)
{
	struct snapshot *s = calloc(1, sizeof(*s));

	if (!s) {
		free(buf);
		return NULL;
	}
	s->buf = buf;
	if (len < HEADER || memcmp(buf, magic, sizeof(magic)) ||
	    (!trusted && (cb_le64(buf + OFF_BUILD) != parsecache_build() ||
			  cb_le64(buf + OFF_SUM) != mr_hash64(0, buf + HEADER, len - HEADER))) ||
	    !read_records(s, len, cb_le64(buf + OFF_COUNT))) {
		snapshot_free(s);
		return NULL;
	}
	return s;
}

struct snapshot *
snapshot_load(const struct project *p)
{
	char *name = name_of(p);
	size_t len = 0;
	unsigned char *buf = name ? parsecache_get(name, HEADER, SNAPSHOT_MAX, &len) : NULL;

	free(name);
	return buf ? snapshot_parse(buf, len, false) : NULL;
}

int
snapshot_take(const struct snapshot *s, const char *relpath, const struct stat *st,
	      struct revision *rev, struct findings *fs, size_t index)
{
	uint64_t now[STAT_FIELDS];
	const struct kept *k;
	size_t at;
	int rc;

	if (!s || !strmap_get(&s->at, relpath, &at))
		return 0;
	k = &s->kept[at];
	stat_fields(st, now);
	if (memcmp(now, k->stat, sizeof(now)))
		return 0;
	rc = parsecache_entry_decode(k->entry, k->len, k->entry + PARSECACHE_OFF_BLOB,
				     parsecache_build(), 0, rev, fs, index);
	if (rc <= 0)
		return rc;
	parsecache_blob_hex(k->entry + PARSECACHE_OFF_BLOB, rev->blob);
	rev->stamp = (struct mr_stamp){ (long long)st->st_mtim.tv_sec * 1000000000LL +
					st->st_mtim.tv_nsec, (long long)st->st_size,
					(long long)st->st_ino };
	return 1;
}

unsigned char *
snapshot_record(const char *relpath, const struct stat *st, time_t since,
		const struct revision *rev, const struct findings *fs, size_t first,
		size_t *len)
{
	unsigned char raw[PARSECACHE_BLOB_RAW], *entry, *rec;
	uint64_t fields[STAT_FIELDS];
	size_t elen, plen = strlen(relpath);

	/* changed lately, a write in the same tick as the read would not show */
	if (!rev->content_only || !rev->blob[0] || st->st_ctim.tv_sec > since - SNAPSHOT_SETTLED ||
	    st->st_mtim.tv_sec > since - SNAPSHOT_SETTLED || !parsecache_blob_raw(rev->blob, raw))
		return NULL;
	if (!(entry = parsecache_encode(raw, parsecache_build(), 0, rev, fs, first, &elen)))
		return NULL;
	*len = 8 + plen + 8 * STAT_FIELDS + 8 + elen;
	if ((rec = malloc(*len))) {
		unsigned char *p = rec;

		cb_le64_put(p, plen);
		memcpy(p + 8, relpath, plen);
		p += 8 + plen;
		stat_fields(st, fields);
		for (int f = 0; f < STAT_FIELDS; f++, p += 8)
			cb_le64_put(p, fields[f]);
		cb_le64_put(p, elen);
		memcpy(p + 8, entry, elen);
	}
	free(entry);
	return rec;
}

void
snapshot_store(const struct project *p, unsigned char *const *records, const size_t *lens,
	       size_t n)
{
	size_t len = HEADER, count = 0;
	unsigned char *buf, *at;
	char *name;

	for (size_t i = 0; i < n; i++)
		if (records[i]) {
			len += lens[i];
			count++;
		}
	if (len > SNAPSHOT_MAX || !(name = name_of(p)))
		return;
	if ((buf = malloc(len))) {
		memcpy(buf, magic, sizeof(magic));
		cb_le64_put(buf + OFF_BUILD, parsecache_build());
		cb_le64_put(buf + OFF_COUNT, count);
		at = buf + HEADER;
		for (size_t i = 0; i < n; i++)
			if (records[i]) {
				memcpy(at, records[i], lens[i]);
				at += lens[i];
			}
		cb_le64_put(buf + OFF_SUM, mr_hash64(0, buf + HEADER, len - HEADER));
		parsecache_put(name, buf, len);
	}
	free(buf);
	free(name);
}
