// The consumer's own transport/link_buffer.h (see core/client.h).
#ifndef CONSUMER_TRANSPORT_LINK_BUFFER_H_
#define CONSUMER_TRANSPORT_LINK_BUFFER_H_

namespace consumer {
inline constexpr const char* kOwnLinkBuffer = "consumer's transport/link_buffer.h";
}  // namespace consumer

#endif  // CONSUMER_TRANSPORT_LINK_BUFFER_H_
