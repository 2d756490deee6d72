# bash completion for muster(1)                            -*- shell-script -*-
#
# Every word comes from the program itself, through `muster --complete`
# (commands and each command's options from its command table; agents,
# actions, inputs and list values from the agents' DDL files), so this
# file holds none of them; only how to complete a kind of value: host
# names for a LIST (-w, -x) from the Host lines of the ssh_config muster
# would read (--ssh-config on the line, else $MUSTER_SSH_CONFIG, else the
# ssh_config key of muster's config, else ~/.config/muster/ssh_config,
# else ~/.ssh/config), files for a FILE or PATH and for an argument of
# kind file, the choices of a value written a|b|c. Works with or without
# the bash-completion package.

# muster --complete ARGS..., quietly, with the program being completed.
_muster_helper()
{
	"${_muster_prog:-muster}" --complete "$@" 2>/dev/null
}

# The commands, then muster-NAME programs on PATH (run as `muster NAME`).
_muster_commands()
{
	local c
	{
		_muster_helper commands
		for c in $(compgen -c muster- 2>/dev/null); do
			c=${c#muster-}
			[[ $c == agent || -z $c ]] && continue
			printf '%s\n' "$c"
		done
	} | sort -u
}

# Read the options of a command (none: those before the command word)
# into _muster_optval: option -> its value's name ("" for none).
_muster_read_options()
{
	local line word rest
	_muster_optval=()
	while IFS= read -r line; do
		# "WORD<tab>VALUE<tab>HELP", VALUE empty for none.
		word=${line%%$'\t'*}
		rest=${line#*$'\t'}
		[[ -n $word ]] && _muster_optval[$word]=${rest%%$'\t'*}
	done < <(_muster_helper -d options ${1:+"$1"})
}

# The value of the last "key = value" line for key in file.
_muster_config_value()
{
	local file=$1 key=$2 line k v out=
	[[ -r $file ]] || return 1
	while IFS= read -r line || [[ -n $line ]]; do
		[[ $line =~ ^[[:space:]]*# ]] && continue
		[[ $line == *=* ]] || continue
		k=${line%%=*}
		v=${line#*=}
		k=${k//[[:space:]]/}
		[[ $k == "$key" ]] || continue
		v=${v#"${v%%[![:space:]]*}"}
		v=${v%"${v##*[![:space:]]}"}
		out=$v
	done <"$file"
	[[ -n $out ]] && printf '%s\n' "$out"
}

# The ssh_config muster would read for this command line.
_muster_ssh_config()
{
	local i w f= dir conf
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == --ssh-config ]]; then
			if [[ ${COMP_WORDS[i+1]} == = ]]; then
				f=${COMP_WORDS[i+2]}
			else
				f=${COMP_WORDS[i+1]}
			fi
		elif [[ $w == --ssh-config=* ]]; then
			f=${w#--ssh-config=}
		fi
	done
	if [[ -z $f && -n ${MUSTER_SSH_CONFIG-} ]]; then
		f=$MUSTER_SSH_CONFIG
	fi
	if [[ -z $f ]]; then
		if [[ ${XDG_CONFIG_HOME-} == /* ]]; then
			dir=$XDG_CONFIG_HOME/muster
		else
			dir=$HOME/.config/muster
		fi
		conf=${MUSTER_CONFIG:-$dir/config}
		f=$(_muster_config_value "$conf" ssh_config)
		if [[ -z $f && -e $dir/ssh_config ]]; then
			f=$dir/ssh_config
		fi
		[[ -z $f ]] && f=$HOME/.ssh/config
	fi
	[[ $f == "~/"* ]] && f=$HOME/${f#"~/"}
	printf '%s\n' "$f"
}

# Host names of the Host lines of an ssh_config (and of the files it
# includes), skipping patterns and negations.
_muster_ssh_hosts()
{
	local file=$1 depth=${2:-0} kw rest word inc
	[[ -r $file && $depth -le 8 ]] || return 0
	while read -r kw rest || [[ -n $kw ]]; do
		if [[ $kw == *=* ]]; then
			rest="${kw#*=} $rest"
			kw=${kw%%=*}
		fi
		rest=${rest#=}
		case ${kw,,} in
		host)
			for word in $rest; do
				[[ $word == \#* ]] && break
				case $word in
				*[*?]* | '!'*) ;;
				*) printf '%s\n' "$word" ;;
				esac
			done
			;;
		include)
			for word in $rest; do
				[[ $word == \#* ]] && break
				case $word in
				/*) ;;
				"~/"*) word=$HOME/${word#"~/"} ;;
				*) word=$HOME/.ssh/$word ;;
				esac
				for inc in $word; do
					_muster_ssh_hosts "$inc" $((depth + 1))
				done
			done
			;;
		esac
	done <"$file"
}

# Complete a -w or -x value: a comma-separated list of hosts, "-", or
# @FILE.
_muster_complete_hostlist()
{
	local cur=$1 prefix= last hosts
	if [[ $cur == @* ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -P @ -- "${cur#@}"))
		return
	fi
	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		last=${cur##*,}
	else
		last=$cur
	fi
	hosts=$(_muster_ssh_hosts "$(_muster_ssh_config)" | sort -u)
	compopt -o nospace 2>/dev/null
	COMPREPLY=($(compgen -P "$prefix" -W "$hosts" -- "$last"))
}


# Complete the value of an option whose value is called kind (the table's
# name for it: LIST, FILE, a|b|c, ...).
_muster_complete_value()
{
	local kind=$1 cur=$2
	case $kind in
	LIST)
		_muster_complete_hostlist "$cur"
		;;
	FILE | PATH)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	*'|'*)
		COMPREPLY=($(compgen -W "${kind//|/ }" -- "$cur"))
		;;
	esac
}

_muster()
{
	local _muster_prog=${COMP_WORDS[0]}
	local -A _muster_optval=()
	local -a words=()
	local cword=0 i j=-1 w join= cur pre

	# Put back together the words COMP_WORDBREAKS split at '='
	# ("--color=al", "key=val"); the reply is then cut to what follows
	# the last '=', which is the part readline replaces.
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if ((j > 0)) && [[ $w == =* && $w != *[!=]* ]]; then
			words[j]+=$w
			join=1
		elif [[ -n $join ]]; then
			words[j]+=$w
			join=
		else
			words[++j]=$w
		fi
		((i == COMP_CWORD)) && cword=$j
	done
	cur=${words[cword]}

	COMPREPLY=()
	_muster_main
	if [[ $COMP_WORDBREAKS == *=* && $cur == *=* ]]; then
		pre=${cur%"${cur##*=}"}
		COMPREPLY=("${COMPREPLY[@]#"$pre"}")
	fi
}

_muster_main()
{
	local prev= i w cmd= ddash= kind wordcmds
	local -a args=()

	# The command word and its arguments before this word.
	_muster_read_options
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ -z $ddash ]]; then
			if [[ $w == -- ]]; then
				ddash=1
				continue
			fi
			if [[ $w == -?* ]]; then
				# Its value is the next word, unless attached.
				if [[ -n ${_muster_optval[$w]} ]]; then
					((i++))
				fi
				continue
			fi
		fi
		if [[ -z $cmd ]]; then
			cmd=$w
			_muster_read_options "$cmd"
			wordcmds=" $(_muster_helper words-commands | tr '\n' ' ') "
		else
			args+=("$w")
			# A command line of its own: every word after its first
			# is its own.
			[[ $wordcmds == *" $cmd "* ]] && ddash=1
		fi
	done
	if ((cword - 1 >= 1)) && [[ -z $ddash ]]; then
		prev=${words[cword-1]}
		[[ -z ${_muster_optval[$prev]} ]] && prev=
	fi

	# The value of an option: after it, attached with '=' (long) or
	# written right after the letter (short).
	if [[ -n $prev ]]; then
		_muster_complete_value "${_muster_optval[$prev]}" "$cur"
		return
	fi
	if [[ -z $ddash && $cur == --*=* ]]; then
		kind=${_muster_optval[${cur%%=*}]}
		if [[ -n $kind ]]; then
			_muster_complete_value "$kind" "${cur#*=}"
			COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
		fi
		return
	fi
	if [[ -z $ddash && $cur == -[!-]?* ]]; then
		kind=${_muster_optval[${cur:0:2}]}
		if [[ -n $kind ]]; then
			_muster_complete_value "$kind" "${cur:2}"
			COMPREPLY=("${COMPREPLY[@]/#/${cur:0:2}}")
			return
		fi
	fi
	if [[ -z $ddash && $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${!_muster_optval[*]}" -- "$cur"))
		return
	fi

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$(_muster_commands)" -- "$cur"))
		return
	fi
	if ! _muster_helper commands | grep -qx -- "$cmd"; then
		# An external muster-NAME: files are a fair guess.
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	# The command's arguments, by its table entry.
	local IFS=$'\n'
	COMPREPLY=($(compgen -W "$(_muster_helper args "$cmd" \
	    "${args[@]}" "$cur")" -- "$cur"))
	if ((${#COMPREPLY[@]} == 0)) && [[ $(_muster_helper kind "$cmd" \
	    "${args[@]}" "$cur") == file ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	if ((${#COMPREPLY[@]} > 0)) && [[ ${COMPREPLY[*]} == *= ]]; then
		# "KEY=": the value comes right after it.
		for w in "${COMPREPLY[@]}"; do
			[[ $w == *= ]] || return
		done
		compopt -o nospace 2>/dev/null
	fi
}

complete -F _muster muster
