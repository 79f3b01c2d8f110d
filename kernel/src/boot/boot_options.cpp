// The kernel command line (/chosen/bootargs): space-separated key=value
// words. tools/run percent-encodes fusion.exec so a whole shell command line
// (spaces, &&, >) survives as one word.
#include <kernel/boot.hpp>

namespace kernel {
namespace {

BootOptions g_options;
char g_exec_buf[FUSION_EXEC_BYTES];  // fusion.exec=, decoded
char g_suite_buf[64];
char g_image_buf[16];

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Copies [s, s+n) into out, decoding %XX; stops (truncates) at out's size.
void percent_decode(const char* s, std::size_t n, char* out, std::size_t out_size) {
  std::size_t o = 0;
  for (std::size_t i = 0; i < n && o + 1 < out_size; ++i) {
    if (s[i] == '%' && i + 2 < n && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out[o++] = static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out[o++] = s[i];
    }
  }
  out[o] = '\0';
}

// Decimal digits only; anything else, nothing, or a value past ~2^35 gives 0,
// which every option reading it takes as "no limit".
std::uint64_t parse_unsigned(const char* s, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9' || v > (std::uint64_t{1} << 32)) return 0;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// SIZE with an optional K, M or G suffix (as QEMU's -m and Linux's mem=
// write it); anything malformed gives 0, "no limit".
std::uint64_t parse_size(const char* s, std::size_t n) {
  const char unit = n > 1 ? static_cast<char>(s[n - 1] | 0x20) : '0';  // lower case
  const unsigned shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : 0;
  return parse_unsigned(s, shift ? n - 1 : n) << shift;
}

bool word_is(const char* w, std::size_t n, const char* key) {
  std::size_t k = __builtin_strlen(key);
  return n == k && __builtin_memcmp(w, key, k) == 0;
}

}  // namespace

const BootOptions& boot_options() { return g_options; }

void parse_boot_options(const char* bootargs) {
  if (!bootargs) return;
  const char* p = bootargs;
  while (*p) {
    while (*p == ' ') ++p;
    const char* word = p;
    while (*p && *p != ' ') ++p;
    const std::size_t len = p - word;
    if (!len) continue;
    std::size_t eq = 0;
    while (eq < len && word[eq] != '=') ++eq;
    const char* value = word + eq + 1;
    const std::size_t value_len = eq < len ? len - eq - 1 : 0;
    if (word_is(word, eq, "fusion.test")) {
      g_options.test_mode = value_len == 0 || value[0] != '0';
    } else if (FUSION_CONFIG_KTEST && word_is(word, eq, "fusion.ktest_fail")) {
      g_options.include_failing_tests = value_len == 0 || value[0] != '0';
    } else if (FUSION_CONFIG_KTEST && word_is(word, eq, "fusion.ktest")) {
      percent_decode(value, value_len, g_suite_buf, sizeof g_suite_buf);
      g_options.test_suite = g_suite_buf;
    } else if (word_is(word, eq, "fusion.mem")) {
      g_options.mem_limit = parse_size(value, value_len);
    } else if (word_is(word, eq, "fusion.maxcpus")) {
      g_options.max_cpus = static_cast<unsigned>(parse_unsigned(value, value_len));
    } else if (word_is(word, eq, "fusion.image")) {
      percent_decode(value, value_len, g_image_buf, sizeof g_image_buf);
      g_options.image = g_image_buf;
    } else if (word_is(word, eq, "fusion.exec")) {
      percent_decode(value, value_len, g_exec_buf, sizeof g_exec_buf);
      g_options.exec_command = g_exec_buf;
    }
  }
}

}  // namespace kernel
