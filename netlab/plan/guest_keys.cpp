#include "netlab/plan/guest_keys.h"

#include <elf.h>
#include <link.h>
#include <sys/stat.h>

#include <cstring>

#include "netlab/model/digest.h"
#include "netlab/model/names.h"

namespace netlab::plan {
namespace {

/// The GNU build id of the running program, in hex; without one, the path,
/// size and modification time of its file (a rebuild changes them).
std::string program_identity() {
  std::string id;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) -> int {
        // The first object listed is the program itself.
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
          const char* end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const char* name = p + sizeof(ElfW(Nhdr));
            const char* desc = name + ((note->n_namesz + 3) & ~3u);
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 &&
                desc + note->n_descsz <= end) {
              static const char kHex[] = "0123456789abcdef";
              auto* found = static_cast<std::string*>(out);
              for (unsigned k = 0; k < note->n_descsz; ++k) {
                const auto byte = static_cast<unsigned char>(desc[k]);
                *found += kHex[byte >> 4];
                *found += kHex[byte & 15];
              }
              return 1;
            }
            p = desc + ((note->n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &id);
  if (!id.empty()) return id;
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) return "unknown";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

GuestKeys guest_input_keys(const model::Topology& topology, const Target& target) {
  GuestKeys keys;
  if (topology.source_digest.empty()) return keys;
  static const std::string program = program_identity();
  model::Digest lab;
  lab.field(program).field(topology.source_digest).field(target.sandbox ? "sandbox" : "host");
  for (const std::string* s : {&target.host_netns, &target.run_dir, &target.uplink, &target.image_dir, &target.accelerator})
    lab.field(*s);
  const std::string lab_key = lab.hex();
  const model::DeviceNames names(topology);
  for (const auto& guest : topology.guests) {
    if (guest.kind != model::GuestKind::netns || guest.source_digest.empty()) continue;
    model::Digest key;
    key.field(lab_key).field(guest.source_digest).field(guest.host).field(model::guest_namespace(topology, guest));
    for (size_t i = 0; i < guest.nics.size(); ++i) key.field(names.host_nic(guest, i));
    keys.emplace(guest.name, key.hex());
  }
  return keys;
}

}  // namespace netlab::plan
