#!/usr/bin/env python3
"""A git history for a generated project, as `git fast-import` reads it.

usage: gen_history.py PROJECT COMMITS | git fast-import --quiet

PROJECT is an Alembic project (tests/diff/gen_projects.py writes one); the
history ends with its files as they are.  Most commits change application
files (app/module_N.py), as in a real repository; the migrations are added
one by one along the way, and one in three is changed again in a later
commit (its first version has a draft line the later one drops), so the
history view has more than the adding commit to show.  Names and dates are
fixed: the same arguments give the same repository.
"""
import os
import sys


def data(text):
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


def main():
    project, commits = sys.argv[1], int(sys.argv[2])
    files = []
    for top, _, names in os.walk(project):
        for name in names:
            path = os.path.join(top, name)
            files.append((os.path.relpath(path, project), open(path).read()))
    files.sort()
    # the files in a directory under migrations/ (env.py and the template are above)
    migrations = [f for f in files if f[0].count("/") >= 2 and f[0].startswith("migrations/")]
    others = [f for f in files if f not in migrations]
    step = max(1, commits // (len(migrations) * 2 + 1))
    # commit number -> the change it makes to a migration
    plan = {}
    for i, (path, text) in enumerate(migrations):
        at = 1 + i * step * 2
        if i % 3 == 0:
            plan[at] = (path, text + "# draft: to be reviewed\n")
            plan[at + step] = (path, text)
        else:
            plan[at] = (path, text)
    out = sys.stdout.buffer
    when = 1735689600      # 2025-01-01
    for n in range(commits):
        who = ["Ann <ann@example.com>", "Bob <bob@example.com>", "Cy <cy@example.com>"][n % 3]
        out.write(b"commit refs/heads/main\n")
        out.write(b"author %s %d +0000\n" % (who.encode(), when + n * 600))
        out.write(b"committer %s %d +0000\n" % (who.encode(), when + n * 600))
        if n == 0:
            out.write(data("the project"))
            for path, text in others:
                out.write(b"M 100644 inline %s\n" % path.encode())
                out.write(data(text))
            continue
        if n in plan:
            path, text = plan[n]
            out.write(data("migration: " + os.path.basename(path)))
            out.write(b"M 100644 inline %s\n" % path.encode())
            out.write(data(text))
        else:
            out.write(data("app: change %d" % n))
            out.write(b"M 100644 inline app/module_%d.py\n" % (n % 500))
            out.write(data("VALUE = %d\n" % n))
    out.write(b"done\n")


if __name__ == "__main__":
    main()
