// initramfs: a newc archive built here unpacks into the tree; malformed
// archives are each rejected with INVAL and a message, without crashing.
#include <fs/cpio.hpp>

#include <cstdio>

#include "fs_fixture.hpp"

namespace fs_test {
namespace {

using klib::Error;

// Builds newc archives entry by entry.
class Cpio {
 public:
  Cpio& add(const std::string& name, unsigned mode, const std::string& data = "",
            unsigned rdev_minor = 0) {
    char hdr[111];
    std::snprintf(hdr, sizeof hdr, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                  ++ino_, mode, 0, 0, 1, 0, static_cast<unsigned>(data.size()), 0, 0, 0, rdev_minor,
                  static_cast<unsigned>(name.size() + 1), 0);
    out_ += std::string(hdr, 110);
    out_ += name;
    out_ += '\0';
    pad();
    out_ += data;
    pad();
    return *this;
  }
  Cpio& trailer() { return add("TRAILER!!!", 0); }
  std::string& bytes() { return out_; }

 private:
  void pad() {
    while (out_.size() % 4) out_ += '\0';
  }
  std::string out_;
  unsigned ino_ = 0;
};

TEST_F(FsTest, CpioUnpacksDirsFilesSymlinksNodes) {
  Cpio a;
  a.add(".", fs::mode::IFDIR | 0755)
      .add("etc", fs::mode::IFDIR | 0750)
      .add("etc/motd", fs::mode::IFREG | 0640, "welcome\n")
      .add("./bin/sh", fs::mode::IFREG | 0755, std::string(5000, 'e'))  // parent implied
      .add("etc/link", fs::mode::IFLNK | 0777, "motd")
      .add("dev/ttyS0", fs::mode::IFCHR | 0600, "", 64)
      .add("run/pipe", fs::mode::IFIFO | 0600)
      .add("empty", fs::mode::IFREG | 0600)
      .trailer();
  fs::CpioReport rep;
  auto r = fs::cpio_unpack(ctx, a.bytes().data(), a.bytes().size(), &rep);
  ASSERT_TRUE(r.ok()) << (rep.message ? rep.message : "");
  EXPECT_EQ(get("/etc/motd"), "welcome\n");
  EXPECT_EQ(get("/etc/link"), "welcome\n");
  EXPECT_EQ(fs::stat(ctx, "/etc")->mode, fs::mode::IFDIR | 0750);
  EXPECT_EQ(fs::stat(ctx, "/etc/motd")->mode, fs::mode::IFREG | 0640);
  EXPECT_EQ(fs::stat(ctx, "/bin/sh")->size, 5000u);
  EXPECT_EQ(fs::stat(ctx, "/dev/ttyS0")->rdev, 64u);  // lands in the mounted devfs
  EXPECT_EQ(fs::stat(ctx, "/run/pipe")->mode & fs::mode::IFMT, fs::mode::IFIFO);
  EXPECT_EQ(get("/empty"), "");
  EXPECT_EQ(rep.files, 3u);
  EXPECT_EQ(rep.dirs, 1u);  // "." is the target itself
  EXPECT_EQ(rep.symlinks, 1u);
  EXPECT_EQ(rep.nodes, 2u);
}

TEST_F(FsTest, CpioConcatenatedArchives) {
  Cpio a, b;
  a.add("one", fs::mode::IFREG | 0644, "1").trailer();
  b.add("two", fs::mode::IFREG | 0644, "2").trailer();
  std::string both = a.bytes() + std::string(512, '\0') + b.bytes();
  ASSERT_TRUE(fs::cpio_unpack(ctx, both.data(), both.size(), nullptr).ok());
  EXPECT_EQ(get("/one"), "1");
  EXPECT_EQ(get("/two"), "2");
}

// Unpacks `bytes` and returns the rejection message ("" if accepted).
std::string reject(fs::FsContext& ctx, const std::string& bytes) {
  fs::CpioReport rep;
  auto r = fs::cpio_unpack(ctx, bytes.data(), bytes.size(), &rep);
  if (r.ok()) return "";
  EXPECT_EQ(r.error(), Error::INVAL);
  return rep.message ? rep.message : "(no message)";
}

TEST_F(FsTest, CpioRejectsMalformedArchives) {
  Cpio good;
  good.add("f", fs::mode::IFREG | 0644, "data").trailer();
  const std::string g = good.bytes();

  std::string bad_magic = g;
  bad_magic[5] = '7';
  EXPECT_NE(reject(ctx, bad_magic).find("magic"), std::string::npos);

  EXPECT_NE(reject(ctx, g.substr(0, 50)).find("truncated header"), std::string::npos);

  std::string nonhex = g;
  nonhex[6 + 8 * 6 + 3] = 'G';  // inside c_filesize
  EXPECT_NE(reject(ctx, nonhex).find("non-hex"), std::string::npos);

  std::string long_name = g;
  std::memcpy(&long_name[6 + 8 * 11], "0000FFFF", 8);  // c_namesize far past the end
  EXPECT_NE(reject(ctx, long_name).find("name"), std::string::npos);

  std::string big_file = g;
  std::memcpy(&big_file[6 + 8 * 6], "7FFFFFFF", 8);  // c_filesize past the end
  EXPECT_NE(reject(ctx, big_file).find("data"), std::string::npos);

  std::string unterminated = g;
  std::memcpy(&unterminated[6 + 8 * 11], "00000001", 8);  // name "f" without its NUL
  EXPECT_NE(reject(ctx, unterminated).find("NUL"), std::string::npos);

  Cpio no_trailer;
  no_trailer.add("x", fs::mode::IFREG | 0644, "x");
  EXPECT_NE(reject(ctx, no_trailer.bytes()).find("TRAILER"), std::string::npos);

  EXPECT_NE(reject(ctx, "").find("TRAILER"), std::string::npos);
  EXPECT_EQ(reject(ctx, g), "");
}

TEST_F(FsTest, CpioRandomCorruptionNeverCrashes) {
  Cpio a;
  a.add("d", fs::mode::IFDIR | 0755).add("d/f", fs::mode::IFREG | 0644, "abc").trailer();
  unsigned seed = 12345;
  for (int i = 0; i < 300; ++i) {
    std::string b = a.bytes();
    seed = seed * 1103515245 + 12345;
    b[seed % b.size()] = static_cast<char>(seed >> 16);
    seed = seed * 1103515245 + 12345;
    b.resize(seed % (b.size() + 1));
    fs::CpioReport rep;
    (void)fs::cpio_unpack(ctx, b.data(), b.size(), &rep);
  }
}

}  // namespace
}  // namespace fs_test
