"""An editor's and approver's home ("Việc của tôi"): the lists of one user's work, read from
the catalog (``lists``), shown by ``@@viec-cua-toi`` (``browser``) and ``@my-work``
(``nguon.restapi.my_work``)."""
