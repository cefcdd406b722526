#pragma once
// The one place netlab reads input files and writes files, because it runs as
// root: reads stop at a size bound (a topology, XML or hop map far larger than
// any real lab is refused, and /dev/zero does not read forever); writes never
// follow a symbolic link planted at the output path, never reuse a temporary
// file someone else created, and give each file and directory a fixed mode
// whatever the caller's umask.
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "netlab/model/result.h"

namespace netlab::model {

/// The bound on every input file: topology YAML, libvirt XML, hopmap.json.
inline constexpr size_t kMaxInputBytes = 16u << 20;

/// The whole of `path`, read through a bounded loop: an Error (bad input) saying
/// the file is larger than `max` bytes as soon as byte max+1 arrives. Messages do
/// not repeat the path ("cannot open the file: ..."): callers put it in front.
Result<std::string> read_file_bounded(const std::string& path, size_t max = kMaxInputBytes);

/// Creates directory `path` (its missing parents too, 0755) and gives it exactly
/// `mode`. An existing directory gets `mode` too; a symbolic link or anything
/// but a directory at `path` is refused.
Status make_directory(const std::string& path, mode_t mode);

/// A new file at `path`, written through a temporary file in the same directory
/// (created O_EXCL with a random name, given `mode` by fchmod) and put in
/// `path`'s place on commit() (exchanged with the file there, which is then
/// removed; else renamed): readers never see half a file, and a symbolic link at
/// `path` is refused (checked at create() and again at commit()), never followed.
/// Without commit() the temporary file is removed.
class OutputFile {
 public:
  static Result<OutputFile> create(const std::string& path, mode_t mode = 0644);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();

  /// The temporary file's descriptor, for writers that stream (pcap, pcapng).
  int fd() const { return fd_; }
  /// Appends `data`; an Error on a short write.
  Status write(std::string_view data);
  /// Closes the temporary file and puts it in the target's place.
  Status commit();

 private:
  OutputFile(std::string path, std::string tmp, int fd) : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}
  std::string path_, tmp_;
  int fd_ = -1;
};

/// OutputFile::create, write, commit in one call.
Status write_file(const std::string& path, std::string_view content, mode_t mode = 0644);

}  // namespace netlab::model
