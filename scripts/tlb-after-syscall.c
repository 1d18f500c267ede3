// Why a syscall from Node costs ~0.45 µs more than from C on this VM (PTI without PCID): every syscall
// flushes the TLB, so a loop that touches N distinct pages between syscalls pays N refills each time.
// gcc -O2 -o /tmp/tlb scripts/tlb-after-syscall.c && for a in "200 0" "200 64" "200 64 nosys"; do /tmp/tlb $a; done
// (MB allocated, pages touched per iteration, "nosys" = the same loop without the syscall)
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
int main(int argc,char**argv){ size_t mb=atoi(argv[1]); size_t pages_touched=atoi(argv[2]);
 char *p = malloc(mb<<20); memset(p,1,mb<<20);
 double best=1e9; volatile char s=0;
 for(int r=0;r<20;r++){ double t=now(); for(int i=0;i<2000;i++){ if(argc<4) getppid(); for(size_t k=0;k<pages_touched;k++) s+=p[(k*4096*7919)%(mb<<20)]; } double v=(now()-t)/2000; if(v<best)best=v; }
 printf("%zu MB, touching %zu pages between syscalls: %.0f ns per iteration\n",mb,pages_touched,best); }
