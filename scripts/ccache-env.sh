# Sourced by the build scripts. Compile commands name files by absolute path; made relative to the
# clone, they hit ccache's cache whatever folder a clone (or a CI runner's checkout) lives in.
# A base_dir set in ccache's own configuration wins.
if command -v ccache >/dev/null && [[ -z "${CCACHE_BASEDIR:-}" && -z "$(ccache -k base_dir 2>/dev/null)" ]]; then
  export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=true
fi
