// PlacementProbe.swift: write an ane-kb placement file (format_version 1) on an iPhone or iPad.
// Needs iOS/iPadOS 17.4+ (MLComputePlan). Add this file to a debug build, call
// `try await PlacementProbe.write(compiledModel:modelName:to:)` with the URL of the compiled model
// (the .mlmodelc in your app bundle), copy the JSON out of the app's Documents folder, fill in
// host.chip with the KB's chip id (e.g. "a17-pro"), then run `ane-kb check MODEL --compare FILE`
// and `python -m generator observe FILE` on a computer. MIT licence, like the rest of ane-kb's code.
import CoreML
import Foundation
#if canImport(UIKit)
import UIKit
#endif

@available(iOS 17.4, macOS 14.4, *)
enum PlacementProbe {
    static func write(compiledModel url: URL, modelName: String, to output: URL,
                      computeUnits: MLComputeUnits = .cpuAndNeuralEngine) async throws {
        let configuration = MLModelConfiguration()
        configuration.computeUnits = computeUnits
        let plan = try await MLComputePlan.load(contentsOf: url, configuration: configuration)
        var ops: [[String: Any]] = []
        let format: String
        switch plan.modelStructure {
        case .program(let program):
            format = "mlprogram"
            for function in program.functions.values { collect(function.block, plan, &ops) }
        case .neuralNetwork(let network):
            format = "neuralnetwork"
            for layer in network.layers {
                ops.append(entry(layer.name, layer.type, plan.deviceUsage(for: layer), nil))
            }
        default:
            throw CocoaError(.featureUnsupported)  // a pipeline: probe each of its models on its own
        }
        let system = await platform()
        let file: [String: Any] = [
            "format_version": 1,
            "model": ["name": modelName, "sha256": NSNull(), "format": format],
            "host": ["chip": NSNull(), "device": machine(),
                     "os": ["platform": system, "version": osVersion()]],
            "compute_units": computeUnits == .all ? "all" : "cpu-and-ne",
            "method": "mlcomputeplan",
            "examined": computeUnits == .all ? ["cpu", "gpu", "ane"] : ["cpu", "ane"],
            "date": ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate]),
            "source": ["measured_by": "contributor", "tool": "ane-kb PlacementProbe.swift"],
            "ops": ops,
        ]
        let data = try JSONSerialization.data(withJSONObject: file, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: output, options: .atomic)
    }

    private static func collect(_ block: MLModelStructure.Program.Block, _ plan: MLComputePlan,
                                _ ops: inout [[String: Any]]) {
        for operation in block.operations {
            if operation.operatorName != "const", let first = operation.outputs.first {
                ops.append(entry(first.name, operation.operatorName, plan.deviceUsage(for: operation),
                                 plan.estimatedCost(of: operation)?.weight))
            }
            for inner in operation.blocks { collect(inner, plan, &ops) }
        }
    }

    private static func entry(_ name: String, _ type: String, _ usage: MLComputePlanDeviceUsage?,
                              _ cost: Double?) -> [String: Any] {
        var op: [String: Any] = ["name": name, "type": type, "supported": NSNull(), "preferred": NSNull(),
                                 "estimated_cost": cost.map { min(1, max(0, $0)) } ?? NSNull()]
        if let usage {
            let supported = Set(usage.supported.compactMap(device))
            op["supported"] = ["cpu", "gpu", "ane"].filter { supported.contains($0) }
            op["preferred"] = device(usage.preferred) ?? NSNull()
        }
        return op
    }

    private static func device(_ device: MLComputeDevice) -> String? {
        switch device {
        case .cpu: return "cpu"
        case .gpu: return "gpu"
        case .neuralEngine: return "ane"
        @unknown default: return nil
        }
    }

    private static func machine() -> String {  // e.g. "iPhone16,1"; the KB's device records name the product
        var info = utsname()
        uname(&info)
        return withUnsafeBytes(of: &info.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    private static func osVersion() -> String {
        let v = ProcessInfo.processInfo.operatingSystemVersion
        return "\(v.majorVersion).\(v.minorVersion)" + (v.patchVersion > 0 ? ".\(v.patchVersion)" : "")
    }

    @MainActor private static func platform() -> String {
        #if os(macOS)
        return "macos"
        #else
        return UIDevice.current.userInterfaceIdiom == .pad ? "ipados" : "ios"
        #endif
    }
}
