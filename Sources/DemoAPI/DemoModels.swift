import Hummingbird

/// A pet as the demo API returns it.
struct DemoPet: ResponseCodable, Equatable {
    var id: Int
    var name: String
    var species: String
    var age: Int?
    var tags: [String]
}

/// A pet as clients send it.
struct DemoPetInput: Decodable {
    var name: String
    var species: String
    var age: Int?
    var tags: [String]?
}

struct DemoPetList: ResponseEncodable {
    var pets: [DemoPet]
    var total: Int
}

struct DemoVisit: ResponseCodable {
    var id: Int
    var petId: Int
    var date: String
    var reason: String
    var branch: String?
}

struct DemoVisitInput: Decodable {
    var date: String
    var reason: String
}

struct DemoVisitList: ResponseEncodable {
    var visits: [DemoVisit]
}

struct DemoSummary: ResponseEncodable {
    var total: Int
    var bySpecies: [String: Int]
}

struct DemoError: ResponseEncodable {
    var error: String
}
