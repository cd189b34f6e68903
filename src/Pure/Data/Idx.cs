using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Functional.Data;

/// <summary>
/// Parses the IDX format of MNIST (LeCun et al.): a magic number 0x0000TTNN (T = element type, N = rank), N
/// big-endian 32-bit dimensions, then the elements. Only unsigned bytes (type 0x08), as MNIST uses, are accepted.
/// </summary>
public static class Idx
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Parses a whole, already decompressed IDX file, checking the magic number, the dimensions and the size.</summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <param name="expectedRank">The rank the caller needs (1 for labels, 3 for images).</param>
    /// <exception cref="InvalidDataException">The bytes are not a valid IDX file of that rank; the message names the source.</exception>
    public static IdxArray Parse(ReadOnlySpan<byte> bytes, string source, int expectedRank)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expectedRank);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expectedRank, byte.MaxValue);
        if (bytes.Length < 4)
        {
            throw new InvalidDataException($"{source}: not an IDX file: {bytes.Length} bytes, shorter than the 4-byte magic number.");
        }
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != UnsignedByte || bytes[3] != expectedRank)
        {
            throw new InvalidDataException(
                $"{source}: bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):X8}; expected 0x0000{UnsignedByte:X2}{expectedRank:X2} " +
                $"(unsigned bytes, {expectedRank} dimension{(expectedRank == 1 ? "" : "s")}).");
        }
        var header = 4 + (4 * expectedRank);
        if (bytes.Length < header)
        {
            throw new InvalidDataException($"{source}: truncated header: {bytes.Length} bytes, expected at least {header}.");
        }
        var dims = new int[expectedRank];
        var available = bytes.Length - header;
        long count = 1;
        for (var axis = 0; axis < expectedRank; axis++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(bytes[(4 + (4 * axis))..]);
            if (d == 0 || d > int.MaxValue)
            {
                throw new InvalidDataException($"{source}: dimension {axis} is {d}; expected a positive size.");
            }
            dims[axis] = (int)d;
            // Stops as soon as the product passes the data (so it cannot overflow: both factors are below 2³¹).
            count = Math.Min(count * d, (long)available + 1);
        }
        if (count != available)
        {
            var promised = count > available ? $"more than {available}" : $"{count}";
            throw new InvalidDataException(
                $"{source}: the header promises {promised} values ({string.Join(" × ", dims)}), but the file holds {available}" +
                (count > available ? " (truncated)." : " (trailing bytes)."));
        }
        return new IdxArray(ImmutableCollectionsMarshal.AsImmutableArray(dims), [.. bytes[header..]]);
    }
}
