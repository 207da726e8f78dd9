# Shared by the benchmarks (sourced, not run).

# fer_subset DIR N FER2013: a fixed FER2013 subset in DIR (made once): the first N train files and 350 validation
# files by file name, every class represented. Big enough for several Spark splits (2 workers x 64 x 5 = 640 images
# each), so epoch rates are not dominated by the first fit's warm-up.
fer_subset() {
  local dir=$1 n_train=$2 fer=$3 split_n split n tmp
  [[ -d "$dir" ]] && return 0
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
  tmp=$(cd "$dir.tmp" && pwd)
  for split_n in "train:$n_train" "validation:350"; do
    split=${split_n%%:*}; n=${split_n#*:}
    (cd "$fer" && find "$split" -type f -name '*.jpg' | sort -t/ -k3 | sed -n "1,${n}p" \
      | xargs cp --parents -t "$tmp")
  done
  mv "$dir.tmp" "$dir"
}

# fer_first DIR N FOLDER: a folder-per-class copy in DIR (made once) of the first N files of FOLDER by file name
# (not by folder, so every class is represented).
fer_first() {
  local dir=$1 n=$2 from=$3 tmp
  [[ -d "$dir" ]] && return 0
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
  tmp=$(cd "$dir.tmp" && pwd)
  (cd "$from" && find . -type f -name '*.jpg' | sort -t/ -k3 | sed -n "1,${n}p" | xargs cp --parents -t "$tmp")
  mv "$dir.tmp" "$dir"
}
