# bash completion for migreview                            -*- shell-script -*-
#
# Commands, options and their values; revision ids from `migreview list`
# (with the -c/--config, -d/--directory and -n/--name already on the line),
# rule and checklist item ids from `migreview explain`, git refs for --since
# and theme names for --theme.  Needs only bash 4: the bash-completion package
# is used when it is there, never required.
#
# Install: copy to /usr/share/bash-completion/completions/migreview (loaded
# on demand), or source it from ~/.bashrc.

# Prints NAME with the quotes and the leading ~/ that the shell would remove:
# the words of COMP_WORDS are the text as typed.
_migreview_unquote()
{
	local v=$1
	case $v in
	\'*\') v=${v:1:${#v}-2} ;;
	\"*\") v=${v:1:${#v}-2} ;;
	*) v=${v//\\/} ;;
	esac
	[[ $v == \~/* ]] && v=$HOME/${v#\~/}
	printf '%s\n' "$v"
}

# Runs migreview with the -c/--config, -d/--directory and -n/--name of the
# line; errors are not the user's business while completing.
_migreview_run()
{
	migreview ${_migreview_config:+--config "$_migreview_config"} \
		${_migreview_directory:+--directory "$_migreview_directory"} \
		${_migreview_name:+--name "$_migreview_name"} "$@" 2>/dev/null </dev/null
}

# Revision ids: `<parents> -> <id>[ (label)], message  path`.
_migreview_revisions()
{
	_migreview_run list | awk '{
		for (i = 1; i < NF; i++)
			if ($i == "->") { id = $(i + 1); sub(/,$/, "", id); print id; break }
	}'
}

# Checklist item ids (`item — summary`) and, indented, rule ids.
_migreview_explain_ids()
{
	_migreview_run explain | awk '/^[ \t]/ { print $1; next } $2 == "—" { print $1 }'
}

_migreview_git_refs()
{
	local dir=.
	command -v git >/dev/null 2>&1 || return 0
	[[ $_migreview_config == */* ]] && dir=${_migreview_config%/*}
	git -C "$dir" rev-parse --git-dir >/dev/null 2>&1 || return 0
	git -C "$dir" for-each-ref --format='%(refname:short)' 2>/dev/null
	echo HEAD
}

_migreview_themes()
{
	local dir=${XDG_CONFIG_HOME:-$HOME/.config}/migreview/themes f
	printf '%s\n' dark light mono
	for f in "$dir"/*.theme; do
		[[ -f $f ]] || continue
		f=${f##*/}
		printf '%s\n' "${f%.theme}"
	done
}

# COMPREPLY = the words of the lines on stdin that start with $cur.
_migreview_add()
{
	local w
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# COMPREPLY = directories, and files for which the test FILTER NAME succeeds.
_migreview_files()
{
	local filter=$1 f
	compopt -o filenames 2>/dev/null
	while IFS= read -r f; do
		if [[ -d $f ]] || $filter "$f"; then COMPREPLY+=("$f"); fi
	done < <(compgen -f -- "$cur")
}
_migreview_is_nothing() { false; }
_migreview_is_config() { [[ $1 == *.ini || $1 == pyproject.toml || $1 == */pyproject.toml ]]; }
_migreview_is_python() { [[ $1 == *.py ]]; }
_migreview_is_theme() { [[ $1 == *.theme ]]; }
_migreview_is_json() { [[ $1 == *.json ]]; }

# Completes the value of option OPT.
_migreview_value()
{
	case $1 in
	-c | --config) _migreview_files _migreview_is_config ;;
	-d | --directory) _migreview_files _migreview_is_nothing ;;
	-o | --output) _migreview_files _migreview_is_json ;;
	--theme)
		if [[ $cur == */* ]]; then
			_migreview_files _migreview_is_theme
		else
			_migreview_add < <(_migreview_themes)
		fi
		;;
	--since | --trust-ref) _migreview_add < <(_migreview_git_refs) ;;
	--order) _migreview_add < <(printf '%s\n' review history) ;;
	--format) _migreview_add < <(printf '%s\n' text json sarif) ;;
	esac
	return 0
}

_migreview()
{
	local cur=${COMP_WORDS[COMP_CWORD]} w v i has cmd='' want='' npos=0 opts=1
	local _migreview_config='' _migreview_directory='' _migreview_name=''
	COMPREPLY=()

	# what is on the line before the cursor: the command, -c, -d and -n, positionals
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]} v='' has=0
		if ((opts)) && [[ $w == -?* ]]; then
			case $w in
			--) opts=0; continue ;;
			-c | --config | -d | --directory | -n | --name | --theme | --order | --format | \
				--since | --trust-ref | --database-url | --rows | -o | --output)
				has=1 ;;
			--*=*) v=${w#*=} w=${w%%=*} ;;
			-c?* | -d?* | -n?* | -o?*) v=${w:2} w=${w:0:2} ;;
			esac
			# the value is the next word, or the one after an '=' split off by
			# COMP_WORDBREAKS; none yet: it is what the cursor is on
			if ((has)); then
				((i + 1 == COMP_CWORD)) && { want=$w; break; }
				v=${COMP_WORDS[++i]}
				if [[ $v == = ]]; then
					((i + 1 == COMP_CWORD)) && { want=$w; break; }
					v=${COMP_WORDS[++i]}
				fi
			fi
			case $w in
			-c | --config) _migreview_config=$(_migreview_unquote "$v") ;;
			-d | --directory) _migreview_directory=$(_migreview_unquote "$v") ;;
			-n | --name) _migreview_name=$(_migreview_unquote "$v") ;;
			esac
		elif [[ -z $cmd ]]; then
			cmd=$w
		else
			((npos++))
		fi
	done

	if [[ -n $want ]]; then
		[[ $cur == = ]] && cur=
		_migreview_value "$want"
		return 0
	fi
	# --opt=VALUE in one word, when COMP_WORDBREAKS has no '='
	if ((opts)) && [[ $cur == --*=* ]]; then
		local opt=${cur%%=*}
		cur=${cur#*=}
		_migreview_value "$opt"
		((${#COMPREPLY[@]})) && COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
		return 0
	fi

	if ((opts)) && [[ $cur == -* ]]; then
		local list
		case $cmd in
		'') list='-c --config -d --directory -n --name --theme --since --trust --help --version' ;;
		list) list='--json --order --config --directory --name --help' ;;
		check) list='--format --since --require-signoff --include-baseline --trust-ref --config --directory --name --help' ;;
		settings) list='--trust-ref --accept --config --directory --name --help' ;;
		test) list='--all --models --rows --database-url --trust --config --directory --name --help' ;;
		diff) list='--config --directory --name --help' ;;
		stats) list='--database-url --output --print-query --help' ;;
		*) list='--help' ;;
		esac
		mapfile -t COMPREPLY < <(compgen -W "$list" -- "$cur")
		return 0
	fi

	case $cmd in
	'') mapfile -t COMPREPLY < <(compgen -W 'list check test diff stats settings explain' -- "$cur") ;;
	check) _migreview_files _migreview_is_python ;;
	test | diff) ((npos == 0)) && _migreview_add < <(_migreview_revisions) ;;
	explain) ((npos == 0)) && _migreview_add < <(_migreview_explain_ids) ;;
	esac
	return 0
} &&
	complete -F _migreview migreview

# ex: filetype=sh
