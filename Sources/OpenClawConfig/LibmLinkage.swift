// `Double.rounded()` lowers to libm's round/floor/ceil on Linux; importing the C library here
// makes every client of this module link libm, even one that imports nothing else.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
