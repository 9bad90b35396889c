// The services of the "complex" example: two services served on one port.
namespace cpp vireo.example

exception NotFound {
  1: string sku,
}

exception OutOfStock {
  1: string sku,
  2: i32 available,
}

struct Item {
  1: string sku,
  2: string name,
  3: i32 quantity,
  4: map<string, string> labels,
}

// Stock kept per tenant; the tenant comes with every call as metadata.
service Inventory {
  Item get(1: string sku) throws (1: NotFound nf),
  void put(1: Item item),
  // Takes `quantity` units; the number left.
  i32 take(1: string sku, 2: i32 quantity) throws (1: NotFound nf, 2: OutOfStock oos),
}

// What happened, recorded without waiting for an answer.
service Audit {
  oneway void record(1: string event),
  list<string> events(),
}
