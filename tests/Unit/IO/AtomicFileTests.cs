using Functional.Facade.IO;

namespace Functional.Unit.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-atomic-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_disk_that_fills_during_the_write_leaves_the_old_file_and_no_temporary_file()
    {
        var path = Path.Combine(_directory, "params.safetensors");
        byte[] old = [1, 2, 3, 4, 5];
        File.WriteAllBytes(path, old);
        DiskFullStream? stream = null;

        var e = Assert.Throws<IOException>(() =>
            AtomicFile.WriteAllBytes(path, new byte[4096], temporary => stream = new DiskFullStream(temporary, capacity: 1000)));

        Assert.Equal(1000, stream!.Written);   // the disk really did fill part way through
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", e.Message, StringComparison.Ordinal);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_first_write_that_fails_leaves_no_file_at_all()
    {
        var path = Path.Combine(_directory, "summary.json");

        Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(path, new byte[100], temporary => new DiskFullStream(temporary, capacity: 0)));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void A_write_with_room_replaces_the_file_whole()
    {
        var path = Path.Combine(_directory, "metrics.csv");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllBytes(path, "new contents"u8, temporary => new DiskFullStream(temporary, capacity: 1 << 20));

        Assert.Equal("new contents", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }
}
