using System.Globalization;
using Functional.Facade.Naming;
using Functional.Networks;

namespace Functional.Facade.IO;

/// <summary>
/// The architecture as safetensors metadata — "network" (widths), "activations", "batchnorm", "dropout" — written
/// with every saved model and read back by <see cref="Model.Load"/>.
/// </summary>
public static class ModelMetadata
{
    /// <summary>The metadata entries describing <paramref name="network"/>.</summary>
    public static Dictionary<string, string> Of(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new Dictionary<string, string>
        {
            ["network"] = string.Join(",", network.Sizes),
            ["activations"] = ActivationNames.Join(network.Activations),
            ["batchnorm"] = network.BatchNorm ? "true" : "false",
            ["dropout"] = network.DropoutRatio.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The network described by <paramref name="metadata"/>. Files written before BatchNorm and Dropout existed
    /// have neither entry and mean neither.
    /// </summary>
    /// <exception cref="InvalidDataException">An entry is missing or invalid; the message names the file and the entry.</exception>
    public static Network Read(IReadOnlyDictionary<string, string> metadata, string path)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue("network", out var sizes) || !metadata.TryGetValue("activations", out var activations))
        {
            throw new InvalidDataException($"{path}: metadata lacks 'network' and 'activations'; was it written by Model.Save or train?");
        }
        try
        {
            var widths = sizes.Split(',').Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture));
            var batchNorm = metadata.TryGetValue("batchnorm", out var b) ? bool.Parse(b) : false;
            var dropout = metadata.TryGetValue("dropout", out var d) ? double.Parse(d, NumberStyles.Float, CultureInfo.InvariantCulture) : 0.0;
            return Network.Sequential(widths, ActivationNames.ParseList(activations)) with { BatchNorm = batchNorm, DropoutRatio = dropout };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
