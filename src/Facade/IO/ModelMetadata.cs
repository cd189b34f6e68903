using System.Globalization;
using Functional.Facade.Naming;
using Functional.Networks;
using Functional.Tensors;

namespace Functional.Facade.IO;

/// <summary>
/// The architecture as safetensors metadata — "net" (the chain in <see cref="NetSpec"/> form) and "input" (the
/// per-sample input shape) — written with every saved model and checkpoint and read back by <see cref="Model.Load"/>.
/// Files written before layers composed describe an MLP by "network" (widths), "activations", "batchnorm" and
/// "dropout"; they still load.
/// </summary>
public static class ModelMetadata
{
    /// <summary>The metadata entries describing <paramref name="network"/>.</summary>
    public static Dictionary<string, string> Of(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new Dictionary<string, string>
        {
            ["net"] = network.Spec,
            ["input"] = string.Join(",", network.InputShape.Dims),
        };
    }

    /// <summary>The network the metadata describes.</summary>
    /// <param name="metadata">The file's metadata.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="registry">The user's layers the spec may name.</param>
    /// <exception cref="InvalidDataException">The metadata does not describe a network; the message names the file and the entry.</exception>
    public static Network Read(IReadOnlyDictionary<string, string> metadata, string path, LayerRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        try
        {
            if (metadata.TryGetValue("net", out var spec))
            {
                if (!metadata.TryGetValue("input", out var input))
                {
                    throw new InvalidDataException($"{path}: metadata has 'net' but lacks 'input', the per-sample input shape.");
                }
                return new Network(new Shape([.. input.Split(',').Select(Width)]), NetSpec.Parse(spec, registry));
            }
            if (!metadata.TryGetValue("network", out var sizes) || !metadata.TryGetValue("activations", out var activations))
            {
                throw new InvalidDataException($"{path}: metadata lacks 'net' and 'input' (or, in older files, 'network' and 'activations'); was it written by Model.Save or train?");
            }
            var batchNorm = metadata.TryGetValue("batchnorm", out var b) && bool.Parse(b);
            var dropout = metadata.TryGetValue("dropout", out var d) ? double.Parse(d, NumberStyles.Float, CultureInfo.InvariantCulture) : 0.0;
            return Network.Mlp(sizes.Split(',').Select(Width), ActivationNames.ParseList(activations), batchNorm, dropout);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static int Width(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
