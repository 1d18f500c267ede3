/* Test helper, built static: sleeps inside a chroot (a container's root, as far as /proc/PID/root goes) until
   its stdin closes. */
#include <unistd.h>

int main(void) {
  char c;
  while (read(0, &c, 1) > 0) {}
  return 0;
}
