# Sourced by setup/tfjs-node.sh and setup/tfjs-node-gpu.sh: how a TensorFlow wheel's C library becomes
# the deps/ folder tfjs-node's binding.gyp builds against. Defines functions only.

# unpack_libtensorflow PY HERE WHEEL STAGE: the two shared libraries and the C API headers.
unpack_libtensorflow() {
  "$1" "$2/setup/unzip-members.py" "$3" "$4" \
    'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
    'tensorflow/include/tensorflow/c/*' 'tensorflow/include/tensorflow/core/platform/*' \
    'tensorflow/include/tsl/platform/*' 'tensorflow/include/xla/tsl/c/*'
}

# lay_out_libtensorflow STAGE DEPS: DEPS/lib and DEPS/include as binding.gyp expects (DEPS made afresh).
lay_out_libtensorflow() {
  local stage=$1 deps=$2
  rm -rf "$deps" && mkdir -p "$deps/lib" "$deps/include"
  mv "$stage/tensorflow/libtensorflow_cc.so.2" "$stage/tensorflow/libtensorflow_framework.so.2" "$deps/lib/"
  # binding.gyp links -ltensorflow -ltensorflow_framework (rpath deps/lib); install.js checks libtensorflow.so.2.9.1.
  ln -s libtensorflow_cc.so.2 "$deps/lib/libtensorflow.so"
  ln -s libtensorflow_cc.so.2 "$deps/lib/libtensorflow.so.2"
  ln -s libtensorflow_cc.so.2 "$deps/lib/libtensorflow.so.2.9.1"
  ln -s libtensorflow_framework.so.2 "$deps/lib/libtensorflow_framework.so"
  cp -r "$stage/tensorflow/include/"{tensorflow,tsl,xla} "$deps/include/"
}
