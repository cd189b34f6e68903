namespace Functional.Unit.Tests.IO;

/// <summary>
/// A real file stream on a disk that "fills up" after <paramref name="capacity"/> bytes: the bytes that fit are
/// written, then every write throws the IOException a full disk gives.
/// </summary>
internal sealed class DiskFullStream(string path, long capacity) : Stream
{
    private readonly FileStream _file = new(path, FileMode.Create, FileAccess.Write, FileShare.None);

    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Written;

    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var fits = (int)Math.Min(buffer.Length, capacity - Written);
        _file.Write(buffer[..fits]);
        Written += fits;
        if (fits < buffer.Length)
        {
            _file.Flush();
            throw new IOException("No space left on device");
        }
    }

    public override void Flush() => _file.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }
        base.Dispose(disposing);
    }
}
