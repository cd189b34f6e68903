using System.Buffers.Binary;
using System.Collections.Immutable;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Functional.Tensors;

namespace Functional.Parameters;

/// <summary>
/// A network's parameters by name ("W1", "b1", …), in ordinal key order, unlike a hash map's per-process order:
/// every walk over the parameters — updates, sums, files, hashes — visits them in the same order.
/// </summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed class ParamTree<T> : IEquatable<ParamTree<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private ParamTree(ImmutableSortedDictionary<string, Tensor<T>> leaves) => Leaves = leaves;

    /// <summary>The parameters, sorted by ordinal key.</summary>
    public ImmutableSortedDictionary<string, Tensor<T>> Leaves { get; }

    /// <summary>No parameters: the state of a network without BatchNorm, for one.</summary>
    public static ParamTree<T> Empty { get; } = new(ImmutableSortedDictionary.Create<string, Tensor<T>>(StringComparer.Ordinal));

    /// <summary>The names, in order.</summary>
    public IEnumerable<string> Keys => Leaves.Keys;

    /// <summary>The total number of scalar parameters.</summary>
    public long ParameterCount => Leaves.Values.Sum(t => (long)t.Length);

    /// <summary>The parameter named <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such parameter; the message lists those there are.</exception>
    public Tensor<T> this[string key] => Leaves.TryGetValue(key, out var t)
        ? t
        : throw new KeyNotFoundException($"ParamTree: no parameter '{key}'; have {string.Join(", ", Keys)}.");

    /// <summary>A tree of the given named tensors.</summary>
    /// <exception cref="ArgumentException">Two entries share a name.</exception>
    public static ParamTree<T> Of(IEnumerable<KeyValuePair<string, Tensor<T>>> leaves)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, Tensor<T>>(StringComparer.Ordinal);
        foreach (var (key, value) in leaves)
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!builder.TryAdd(key, value))
            {
                throw new ArgumentException($"ParamTree.Of: the name '{key}' appears twice.", nameof(leaves));
            }
        }
        return new ParamTree<T>(builder.ToImmutable());
    }

    /// <summary>Applies <paramref name="f"/> to every parameter.</summary>
    public ParamTree<T> Map(Func<string, Tensor<T>, Tensor<T>> f) =>
        new(Leaves.ToImmutableSortedDictionary(kv => kv.Key, kv => f(kv.Key, kv.Value), StringComparer.Ordinal));

    /// <summary>Combines two trees with the same names and shapes, parameter by parameter.</summary>
    /// <exception cref="ArgumentException">The names or a shape differ.</exception>
    public ParamTree<T> Zip(ParamTree<T> other, Func<Tensor<T>, Tensor<T>, Tensor<T>> f)
    {
        ArgumentNullException.ThrowIfNull(other);
        RequireSameStructure("ParamTree.Zip", other);
        return Map((key, value) => f(value, other.Leaves[key]));
    }

    /// <summary>A copy with parameter <paramref name="key"/> replaced by a tensor of the same shape.</summary>
    /// <exception cref="ArgumentException">There is no such parameter, or the shape differs.</exception>
    public ParamTree<T> With(string key, Tensor<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Leaves.TryGetValue(key, out var old))
        {
            throw new ArgumentException($"ParamTree.With: no parameter '{key}'; have {string.Join(", ", Keys)}.", nameof(key));
        }
        if (old.Shape != value.Shape)
        {
            throw new ArgumentException($"ParamTree.With: parameter '{key}' has shape {old.Shape}, got {value.Shape}.", nameof(value));
        }
        return new ParamTree<T>(Leaves.SetItem(key, value));
    }

    /// <summary>Checks that <paramref name="other"/> has the same names and shapes.</summary>
    /// <exception cref="ArgumentException">A name is missing or extra, or a shape differs; the message names it.</exception>
    public void RequireSameStructure(string operation, ParamTree<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!Keys.SequenceEqual(other.Keys, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"{operation}: expected parameters {string.Join(", ", Keys)}, got {string.Join(", ", other.Keys)}.", nameof(other));
        }
        foreach (var (key, value) in Leaves)
        {
            if (other.Leaves[key].Shape != value.Shape)
            {
                throw new ArgumentException(
                    $"{operation}: parameter '{key}' must have shape {value.Shape}, got {other.Leaves[key].Shape}.", nameof(other));
            }
        }
    }

    /// <summary>
    /// SHA-256 over every parameter in key order: its name, its shape and its values' IEEE-754 float64 bits
    /// little-endian (float32 values widened, exactly), so a float32 parameter hashes as the float64 value it equals.
    /// Equal hashes mean bit-identical parameters of one element type.
    /// </summary>
    public string Sha256()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> word = stackalloc byte[8];
        foreach (var (key, value) in Leaves)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            foreach (var d in value.Shape.Dims)
            {
                BinaryPrimitives.WriteInt64LittleEndian(word, d);
                hash.AppendData(word);
            }
            foreach (var v in value.Span)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(word, double.CreateTruncating(v));
                hash.AppendData(word);
            }
        }
        return System.Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// A fast fingerprint of each parameter: XxHash128 of its values' IEEE-754 float64 bits (float32 values widened,
    /// exactly), little-endian, as 32 hex digits.
    /// Cheap enough to take after every training step (about 30 µs for the 39,760 values of a 784-50-10 net).
    /// </summary>
    public ImmutableSortedDictionary<string, string> LeafHashes()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ParamTree.LeafHashes: parameter hashes are defined on little-endian machines.");
        }
        return Leaves.ToImmutableSortedDictionary(
            kv => kv.Key,
            kv => System.Convert.ToHexStringLower(LeafHash(kv.Value)),
            StringComparer.Ordinal);
    }

    // A float32 tensor is hashed as the float64 values it equals, widened a block at a time, so a step of a float32
    // run does not widen its whole weights just to record them.
    private static byte[] LeafHash(Tensor<T> value)
    {
        if (typeof(T) == typeof(double))
        {
            return XxHash128.Hash(MemoryMarshal.AsBytes(value.Span));
        }
        var single = MemoryMarshal.Cast<T, float>(value.Span);
        var hash = new XxHash128();
        Span<double> block = stackalloc double[512];
        for (var start = 0; start < single.Length; start += block.Length)
        {
            var part = single.Slice(start, Math.Min(block.Length, single.Length - start));
            Conversions.WidenInto(part, block);
            hash.Append(MemoryMarshal.AsBytes(block[..part.Length]));
        }
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// The same tree with every value converted to <typeparamref name="TOther"/>, rounded to nearest (exact when
    /// widening float32 to float64); the tree itself when the types are the same.
    /// </summary>
    /// <typeparam name="TOther">The element type to convert to.</typeparam>
    public ParamTree<TOther> Convert<TOther>()
        where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        if (typeof(TOther) == typeof(T))
        {
            return (ParamTree<TOther>)(object)this;
        }
        return ParamTree<TOther>.Of(Leaves.Select(kv => KeyValuePair.Create(kv.Key, Conversions.Convert<T, TOther>(kv.Value))));
    }

    /// <summary>True when the names match and every tensor is bit-identical.</summary>
    public bool Equals(ParamTree<T>? other) =>
        other is not null && Keys.SequenceEqual(other.Keys, StringComparer.Ordinal) && Leaves.All(kv => kv.Value.Equals(other.Leaves[kv.Key]));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ParamTree<T>);

    /// <inheritdoc/>
    public override int GetHashCode() => Leaves.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value));

    /// <summary>The names and shapes, e.g. <c>{W1 [784, 50], b1 [50]}</c>.</summary>
    public override string ToString() => "{" + string.Join(", ", Leaves.Select(kv => $"{kv.Key} {kv.Value.Shape}")) + "}";
}
