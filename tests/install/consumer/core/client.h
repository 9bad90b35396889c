// The consumer's own core/client.h: a user project may have folders named
// like Vireo's layers. Vireo's headers and generated code include
// "vireo/core/client.h", so this file never stands in for Vireo's.
#ifndef CONSUMER_CORE_CLIENT_H_
#define CONSUMER_CORE_CLIENT_H_

namespace consumer {
inline constexpr const char* kOwnCoreClient = "consumer's core/client.h";
}  // namespace consumer

#endif  // CONSUMER_CORE_CLIENT_H_
