#include "guest_instructions.h"

#include "platform/pe.h"

namespace host {

void GuestInstructions::on_slice(platform::Pe& pe, const platform::GuestSlice&, const platform::GuestExit& exit) {
  if (platform::Counter* c = running_[pe.index()]) c->value += exit.instructions;
}

}  // namespace host
