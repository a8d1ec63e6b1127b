/// The demo API's in-memory data: pets and their visits.
actor DemoClinic {
    private(set) var pets: [Int: DemoPet] = [:]
    private var visits: [Int: [DemoVisit]] = [:]
    private var nextPetID = 1
    private var nextVisitID = 1

    init(seed: Bool = true) {
        guard seed else { return }
        let seeds = [
            DemoPet(id: 1, name: "Rex", species: "dog", age: 4, tags: ["good boy"]),
            DemoPet(id: 2, name: "Misty", species: "cat", age: 7, tags: []),
            DemoPet(id: 3, name: "Kiwi", species: "bird", age: 1, tags: ["loud"]),
        ]
        pets = Dictionary(uniqueKeysWithValues: seeds.map { ($0.id, $0) })
        nextPetID = seeds.count + 1
    }

    func list(limit: Int, species: String?, nameContains: String?) -> [DemoPet] {
        let all = pets.values.sorted { $0.id < $1.id }.filter { pet in
            (species == nil || pet.species == species)
                && (nameContains == nil || pet.name.lowercased().contains(nameContains!.lowercased()))
        }
        return Array(all.prefix(limit))
    }

    func add(_ input: DemoPetInput) -> DemoPet {
        let pet = DemoPet(id: nextPetID, name: input.name, species: input.species, age: input.age, tags: input.tags ?? [])
        pets[pet.id] = pet
        nextPetID += 1
        return pet
    }

    func get(_ id: Int) -> DemoPet? { pets[id] }

    func update(_ id: Int, with input: DemoPetInput) -> DemoPet? {
        guard pets[id] != nil else { return nil }
        let pet = DemoPet(id: id, name: input.name, species: input.species, age: input.age, tags: input.tags ?? [])
        pets[id] = pet
        return pet
    }

    func remove(_ id: Int) -> Bool {
        visits[id] = nil
        return pets.removeValue(forKey: id) != nil
    }

    func visits(of petID: Int) -> [DemoVisit]? {
        guard pets[petID] != nil else { return nil }
        return visits[petID] ?? []
    }

    func schedule(petID: Int, date: String, reason: String, branch: String?) -> DemoVisit? {
        guard pets[petID] != nil else { return nil }
        let visit = DemoVisit(id: nextVisitID, petId: petID, date: date, reason: reason, branch: branch)
        nextVisitID += 1
        visits[petID, default: []].append(visit)
        return visit
    }
}
