# The client: calling styles, connection modes, resolver, load balancer.
list(APPEND VIREO_CORE_SOURCES
  client.cc client_options.cc load_balancer.cc resolver.cc internal/yaml_util.cc
  weighted_round_robin_balancer.cc weighted_random_balancer.cc consistent_hash_balancer.cc
  p2c_balancer.cc biz_status.cc circuit_breaker.cc retry_policy.cc dns_resolver.cc)
list(APPEND VIREO_CORE_HEADERS call_args.h client.h load_balancer.h resolver.h
  weighted_round_robin_balancer.h weighted_random_balancer.h consistent_hash_balancer.h
  p2c_balancer.h biz_status.h circuit_breaker.h retry_policy.h dns_resolver.h)

function(vireo_core_client_tests)
  vireo_add_test(NAME client_options_test SOURCES client_options_test.cc
                 LIBS vireo_core LABELS core)
  vireo_add_test(NAME load_balancer_test SOURCES load_balancer_test.cc
                 LIBS vireo_core LABELS core)
  vireo_add_test(NAME biz_status_test SOURCES biz_status_test.cc
                 LIBS vireo_core LABELS core)
  vireo_add_test(NAME governance_test SOURCES governance_test.cc
                 LIBS vireo_core LABELS core)
endfunction()
vireo_install_headers(core/internal internal/client_inl.h)
vireo_install_headers(core/internal internal/str_cat.h)
vireo_install_headers(core/internal internal/bucket_ring.h)
